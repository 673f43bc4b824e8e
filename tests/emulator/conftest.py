"""Fixtures: a running emulator and a slack_sdk client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.emulator.driver import SlackEmulator

SIGNING_SECRET = "emulator-test-signing-secret"
BOT_TOKEN = "xoxb-emulator-test-token"


@pytest.fixture
async def emu() -> AsyncIterator[SlackEmulator]:
    emulator = SlackEmulator(signing_secret=SIGNING_SECRET, bot_token=BOT_TOKEN)
    await emulator.start()
    try:
        yield emulator
    finally:
        await emulator.stop()


@pytest.fixture
def client(emu: SlackEmulator) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=emu.api_url)


@pytest.fixture
async def tiny(emu: SlackEmulator) -> AsyncIterator[Any]:
    from .tiny_bot import start_tiny_bot

    bot = await start_tiny_bot(emu)
    try:
        yield bot
    finally:
        await bot.stop()
