"""Slack's file_input element: only in a modal's input block, 1 to 10 files; a person
attaches files by name and the app gets Slack's file objects in ``state.values``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator
from bot.emulator.validate import validate_blocks, validate_view

from .conftest import BOT_TOKEN, SIGNING_SECRET


def _files_block(**element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": "files",
        "optional": True,
        "label": {"type": "plain_text", "text": "佐证材料"},
        "element": {"type": "file_input", **element},
    }


def _modal(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": "upload",
        "title": {"type": "plain_text", "text": "反馈"},
        "submit": {"type": "plain_text", "text": "提交"},
        "blocks": list(blocks),
    }


def test_a_file_input_belongs_in_a_modal_only() -> None:
    block = _files_block(action_id="files", max_files=3, filetypes=["pdf", "jpg"])
    assert validate_view(_modal(block)) == []
    assert any("file_input" in p and "/blocks/0/element" in p for p in validate_blocks([block]))
    home = {"type": "home", "blocks": [block]}
    assert any("file_input" in p for p in validate_view(home))


@pytest.mark.parametrize(
    ("element", "expected"),
    [
        ({"max_files": 0}, "max_files"),
        ({"max_files": 11}, "max_files"),
        ({"max_files": "3"}, "max_files"),
        ({"filetypes": "pdf"}, "filetypes"),
    ],
)
def test_file_input_rules(element: dict[str, Any], expected: str) -> None:
    element = {"action_id": "files", **element}
    problems = validate_view(_modal(_files_block(**element)))
    assert any(expected in p for p in problems), problems


async def test_a_file_input_in_a_message_is_refused(emu: SlackEmulator, client: AsyncWebClient) -> None:
    blocks = [_files_block(action_id="files")]
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="U0LEADER", text="附件", blocks=blocks)
    body = info.value.response.data
    assert body["ok"] is False and body["error"] == "invalid_blocks"
    assert any("file_input" in m for m in body["response_metadata"]["messages"])
    assert emu.dm("U0LEADER") == []
    assert [r.source for r in emu.take_refusals()] == ["chat.postMessage"]


@pytest.fixture
async def uploads(emu: SlackEmulator) -> AsyncIterator[list[dict[str, Any]]]:
    """A bolt app that records the state of each submitted ``upload`` view."""
    seen: list[dict[str, Any]] = []
    app = AsyncApp(
        client=AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url), signing_secret=SIGNING_SECRET
    )

    @app.view("upload")
    async def on_submit(ack: AsyncAck, view: dict[str, Any]) -> None:
        seen.append(view["state"]["values"])
        await ack()

    runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    emu.app_url = f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"
    try:
        yield seen
    finally:
        await runner.cleanup()


async def test_files_attached_in_a_modal_reach_the_app_as_slack_file_objects(
    emu: SlackEmulator, client: AsyncWebClient, uploads: list[dict[str, Any]]
) -> None:
    form = _modal(_files_block(action_id="evidence", max_files=2, filetypes=["pdf", "jpg"]))
    await client.views_open(trigger_id=emu.triggers.issue("U0LEADER"), view=form)
    view = emu.open_view("U0LEADER")
    assert view is not None
    with pytest.raises(ValueError, match="max_files"):  # the Slack client takes no more than max_files
        await emu.submit("U0LEADER", view, {"files": ["a.pdf", "b.pdf", "c.pdf"]})
    with pytest.raises(ValueError, match="filetypes"):  # nor a file of another type
        await emu.submit("U0LEADER", view, {"files": ["a.docx"]})
    await emu.submit("U0LEADER", view, {"files": ["验收报告.pdf", "现场照片.jpg"]})
    [values] = uploads
    entry = values["files"]["evidence"]
    assert entry["type"] == "file_input"
    first, second = entry["files"]
    assert first["id"].startswith("F") and first["name"] == first["title"] == "验收报告.pdf"
    assert (
        first["mimetype"] == "application/pdf" and first["filetype"] == "pdf" and first["user"] == "U0LEADER"
    )
    assert first["permalink"].startswith("https://") and first["url_private"].startswith(
        "https://files.slack.com/"
    )
    assert second["name"] == "现场照片.jpg" and second["mimetype"] == "image/jpeg"
    assert first["id"] != second["id"]
    assert emu.open_view("U0LEADER") is None and emu.refusals == []


async def test_an_untouched_file_input_submits_no_files(
    emu: SlackEmulator, client: AsyncWebClient, uploads: list[dict[str, Any]]
) -> None:
    await client.views_open(
        trigger_id=emu.triggers.issue("U0LEADER"), view=_modal(_files_block(action_id="f"))
    )
    view = emu.open_view("U0LEADER")
    assert view is not None
    await emu.submit("U0LEADER", view)
    assert uploads == [{"files": {"f": {"type": "file_input", "files": []}}}]
