"""佐证材料: evidence an owner attaches to a report — files shared in the item's thread (Slack's
``files`` of a message event), files attached in the report form (its file_input) or links typed there.
Each is kept as a name and a link."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlparse

NAME_MAX = 200
LINK_MAX = 1000
FILES_MAX = 20

_URL = re.compile(r"<(https?://[^<>|\s]+)(?:\|([^<>]*))?>|(https?://\S+)")


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    permalink: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "permalink": self.permalink}


def _name_from(url: str) -> str:
    path = urlparse(url).path.rstrip("/")
    return unquote(path.rsplit("/", 1)[-1]) if path else urlparse(url).netloc


def from_links(text: str) -> tuple[Attachment, ...]:
    """Every http(s) link in the form's links field, one per line or several; the words before a
    link on its line name it (``验收报告 https://…``), else the last part of its path does."""
    found: list[Attachment] = []
    for line in (text or "").splitlines():
        rest = line
        for match in _URL.finditer(line):
            url = (match.group(1) or match.group(3) or "").rstrip(".,;，。；)")
            label = (match.group(2) or "").strip()
            before = rest[: rest.find(match.group(0))].strip(" :：-—") if not label else ""
            rest = rest[rest.find(match.group(0)) + len(match.group(0)) :]
            name = label or before or _name_from(url)
            found.append(Attachment(name[:NAME_MAX], url[:LINK_MAX]))
    return tuple(dict.fromkeys(found))[:FILES_MAX]


def from_slack_files(files: Any) -> tuple[Attachment, ...]:
    """Slack file objects (a ``file_share`` message event's ``files``, a file_input's submitted ``files``):
    name and permalink of each that has them."""
    if not isinstance(files, list):
        return ()
    found = []
    for entry in files:
        if not isinstance(entry, Mapping):
            continue
        name = entry.get("name") or entry.get("title")
        link = entry.get("permalink") or entry.get("url_private")
        if isinstance(name, str) and isinstance(link, str) and link.startswith("https://"):
            found.append(Attachment(name[:NAME_MAX], link[:LINK_MAX]))
    return tuple(found)[:FILES_MAX]


def merged(*groups: Iterable[Attachment]) -> tuple[Attachment, ...]:
    """The groups in order, one attachment per link (the first name given to it wins), at most FILES_MAX."""
    found: dict[str, Attachment] = {}
    for group in groups:
        for attachment in group:
            found.setdefault(attachment.permalink, attachment)
    return tuple(found.values())[:FILES_MAX]


def attachments_payload(attachments: Iterable[Attachment], source: str, **more: Any) -> dict[str, Any]:
    """The ``evidence_attached`` event's payload: the files and where they came from."""
    return {"files": [a.to_dict() for a in attachments], "source": source, **more}
