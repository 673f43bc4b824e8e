"""The Slack app manifest that ships inside the package (``bot/manifest.yaml``).

``duban doctor`` compares the token's granted scopes with it; ``duban manifest`` prints it for an
installer, with their public URL (HTTP mode) or set up for Socket Mode.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

PLACEHOLDER_URL = "https://duban.example.org"


def manifest_text() -> str:
    return resources.files("bot").joinpath("manifest.yaml").read_text(encoding="utf-8")


@cache
def load_manifest() -> dict[str, Any]:
    data = yaml.safe_load(manifest_text())
    if not isinstance(data, dict):
        raise ValueError("bot/manifest.yaml is not a mapping")
    return data


def bot_scopes() -> tuple[str, ...]:
    """The bot scopes the app asks for, in the manifest's order."""
    return tuple(str(s) for s in load_manifest()["oauth_config"]["scopes"]["bot"])


def render(url: str | None = None, *, socket: bool = False) -> str:
    """The manifest for an installer: their URL in place of the placeholder, or Socket Mode settings.

    Text substitution keeps the file's comments, which explain each scope to whoever reads it.
    """
    if not socket:
        text = manifest_text()
        return text.replace(PLACEHOLDER_URL, url.rstrip("/")) if url else text
    data = load_manifest()
    features = dict(data["features"])
    features["slash_commands"] = [
        {k: v for k, v in command.items() if k != "url"} for command in features["slash_commands"]
    ]
    settings = dict(data["settings"])
    settings["event_subscriptions"] = {
        k: v for k, v in settings["event_subscriptions"].items() if k != "request_url"
    }
    settings["interactivity"] = {k: v for k, v in settings["interactivity"].items() if k != "request_url"}
    settings["socket_mode_enabled"] = True
    socket_data = {**data, "features": features, "settings": settings}
    header = "# Slack app manifest for Duban (督办), Socket Mode: run `duban socket` with SLACK_APP_TOKEN.\n"
    return header + yaml.safe_dump(socket_data, allow_unicode=True, sort_keys=False)
