"""Files a person shares: the file objects Slack puts in a ``file_share`` message event and in a
``file_input``'s ``state.values`` (the fields an app with files:read sees)."""

from __future__ import annotations

import mimetypes
import time
from typing import Any

from bot.emulator.state import WorkspaceState

MAX_FILES = 10  # a file_input's max_files when it sets none (Slack: 1 to 10, default 10)


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def user_file(state: WorkspaceState, user_id: str, name: str, *, size: int = 1024) -> dict[str, Any]:
    """A file ``user_id`` uploaded to the workspace, as Slack describes it to the app."""
    file_id = state.next_id("F")
    now = int(time.time())
    private = f"https://files.slack.com/files-pri/{state.team_id}-{file_id}"
    return {
        "id": file_id,
        "created": now,
        "timestamp": now,
        "name": name,
        "title": name,
        "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "filetype": extension(name) or "binary",
        "user": user_id,
        "user_team": state.team_id,
        "size": size,
        "mode": "hosted",
        "is_external": False,
        "is_public": False,
        "url_private": f"{private}/{name}",
        "url_private_download": f"{private}/download/{name}",
        "permalink": f"https://{state.team_domain}.slack.com/files/{user_id}/{file_id}/{name}",
    }


def picked_files(element: dict[str, Any], files: list[Any]) -> list[Any]:
    """What the Slack client lets a person attach to this file_input; ValueError for what it refuses."""
    most = element.get("max_files") or MAX_FILES
    if len(files) > most:
        raise ValueError(f"{element.get('action_id')!r} takes at most {most} files (max_files)")
    allowed = {str(t).lower().lstrip(".") for t in element.get("filetypes") or []}
    for f in files:
        name = str(f.get("name", "")) if isinstance(f, dict) else str(f)
        if allowed and extension(name) not in allowed:
            raise ValueError(f"{name!r} is not one of {sorted(allowed)} (filetypes)")
    return files
