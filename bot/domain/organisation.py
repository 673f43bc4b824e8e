"""The organisation file (DUBAN_ORG_FILE): departments (单位), their heads, leaders and members, in TOML.

```toml
[[department]]
code = "fgk"                          # stable key: renaming keeps the department's history
name = "发展改革科"                    # shown in bulletins
name_en = "Development and Reform"    # optional
head = "U0HEAD001"                    # 负责人: receives the written urging notices of the unit's items
leader = "U0LEAD002"                  # 分管领导: escalations of the unit's items go to this leader
members = ["U0AAA", "U0BBB"]
# usergroup = "S0GROUP1"              # instead of members: follow a Slack user group (synced by the sweep)
```

``parse_org_file`` is pure (text in, ``Organisation`` out) and raises only ``OrgFileError``, whose message
is one line naming the department and the field, e.g. ``department "fgk": field head: …``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

USER_ID_RE = re.compile(r"[UW][A-Z0-9]{2,31}")
USERGROUP_RE = re.compile(r"S[A-Z0-9]{2,31}")
CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NAME_MAX = 200
KNOWN_FIELDS = frozenset({"code", "name", "name_en", "head", "leader", "members", "usergroup"})


class OrgFileError(ValueError):
    """The organisation file cannot be used; the message is one line naming the department and field."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))  # always one line


@dataclass(frozen=True, slots=True)
class OrgDepartment:
    code: str
    name: str
    name_en: str
    head: str | None = None
    leader: str | None = None
    members: tuple[str, ...] = ()  # listed members (the head is a member too)
    usergroup: str | None = None  # Slack user group followed instead of a member list

    def everyone(self) -> tuple[str, ...]:
        """The listed members and the head (in file order, once each)."""
        listed = (*self.members, *((self.head,) if self.head else ()))
        return tuple(dict.fromkeys(listed))


@dataclass(frozen=True, slots=True)
class Organisation:
    departments: tuple[OrgDepartment, ...]

    def by_code(self) -> dict[str, OrgDepartment]:
        return {d.code: d for d in self.departments}

    def department_of(self, user_id: str) -> OrgDepartment | None:
        return next((d for d in self.departments if user_id in d.everyone()), None)


def parse_org_file(text: str) -> Organisation:
    """Parse and check the whole file; the first problem raises ``OrgFileError``."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OrgFileError(f"not valid TOML: {exc}") from None
    unknown = sorted(k for k in data if k != "department")
    if unknown:
        raise OrgFileError(f"unknown table or key {_shown(unknown[0])} (expected [[department]] tables)")
    raw = data.get("department")
    if not isinstance(raw, list) or not raw:
        raise OrgFileError("no [[department]] tables")
    departments: list[OrgDepartment] = []
    codes: set[str] = set()
    listed_in: dict[str, str] = {}
    for index, entry in enumerate(raw, 1):
        department = _department(entry, index)
        if department.code in codes:
            raise OrgFileError(f"department {department.code!r}: field code: listed twice")
        codes.add(department.code)
        for user_id in department.everyone():
            if user_id in listed_in:
                raise OrgFileError(
                    f"department {department.code!r}: field members: {user_id} is also in department "
                    f"{listed_in[user_id]!r} (a person belongs to one department)"
                )
            listed_in[user_id] = department.code
        departments.append(department)
    return Organisation(tuple(departments))


def _department(entry: Any, index: int) -> OrgDepartment:
    where = f"department #{index}"
    if not isinstance(entry, dict):
        raise OrgFileError(f"{where}: must be a [[department]] table")
    code = entry.get("code")
    if isinstance(code, str) and CODE_RE.fullmatch(code):
        where = f"department {code!r}"
    elif code is None:
        raise OrgFileError(f"{where}: field code: missing")
    else:
        raise OrgFileError(
            f"{where}: field code: letters, digits, '_', '.', '-' (up to 64), got {_shown(code)}"
        )
    unknown = sorted(k for k in entry if k not in KNOWN_FIELDS)
    if unknown:
        raise OrgFileError(f"{where}: field {unknown[0]}: unknown (known: {', '.join(sorted(KNOWN_FIELDS))})")
    name = _text(entry, "name", where, required=True)
    name_en = _text(entry, "name_en", where, required=False) or name
    head = _user(entry.get("head"), where, "head")
    leader = _user(entry.get("leader"), where, "leader")
    usergroup = entry.get("usergroup")
    if usergroup is not None and not (isinstance(usergroup, str) and USERGROUP_RE.fullmatch(usergroup)):
        raise OrgFileError(
            f"{where}: field usergroup: a Slack user group id like S0123ABCD, got {_shown(usergroup)}"
        )
    members_raw = entry.get("members")
    if members_raw is not None and usergroup is not None:
        raise OrgFileError(f"{where}: field members: give either members or usergroup, not both")
    if members_raw is None:
        members_raw = []
    if not isinstance(members_raw, list):
        raise OrgFileError(f"{where}: field members: a list of Slack user ids, got {_shown(members_raw)}")
    members = tuple(_user(m, where, "members") or "" for m in members_raw)
    duplicates = sorted({m for m in members if members.count(m) > 1})
    if duplicates:
        raise OrgFileError(f"{where}: field members: {duplicates[0]} is listed twice")
    return OrgDepartment(code, name, name_en, head, leader, members, usergroup)


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise OrgFileError(f"{where}: field {key}: missing")
        return ""
    if not isinstance(value, str) or not value.strip():
        raise OrgFileError(f"{where}: field {key}: a non-empty text, got {_shown(value)}")
    value = " ".join(value.split())
    if len(value) > NAME_MAX:
        raise OrgFileError(f"{where}: field {key}: longer than {NAME_MAX} characters")
    return value


def _user(value: Any, where: str, key: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and USER_ID_RE.fullmatch(value):
        return value
    raise OrgFileError(f"{where}: field {key}: a Slack user id like U012ABCDEF, got {_shown(value)}")


def _shown(value: Any, limit: int = 60) -> str:
    """A value as typed, short enough for the one-line error."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
