"""chat.getPermalink as the "督办 this message" shortcut uses it, refusing what Slack refuses."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL


async def _error(client: AsyncWebClient, **params: str) -> str:
    with pytest.raises(SlackApiError) as info:
        await client.api_call("chat.getPermalink", http_verb="GET", params=params)
    return str(info.value.response["error"])


async def test_permalink_of_a_channel_message(emu: SlackEmulator, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel=DEMO_BULLETIN_CHANNEL, text="请各科室报送")
    link = await client.chat_getPermalink(channel=DEMO_BULLETIN_CHANNEL, message_ts=posted["ts"])
    assert link["channel"] == DEMO_BULLETIN_CHANNEL
    assert link["permalink"] == (
        f"https://duban-demo.slack.com/archives/{DEMO_BULLETIN_CHANNEL}/p{posted['ts'].replace('.', '')}"
    )


async def test_missing_or_wrong_arguments_are_refused_like_slack(
    emu: SlackEmulator, client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel=DEMO_BULLETIN_CHANNEL, text="x")
    assert await _error(client, message_ts=posted["ts"]) == "channel_not_found"
    assert await _error(client, channel=DEMO_BULLETIN_CHANNEL) == "message_not_found"
    assert await _error(client) == "channel_not_found"
    assert await _error(client, channel="C0NOWHERE", message_ts=posted["ts"]) == "channel_not_found"
    assert await _error(client, channel=DEMO_BULLETIN_CHANNEL, message_ts="1.000001") == "message_not_found"
