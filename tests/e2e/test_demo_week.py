"""The scripted week (docs/demo-week.txt) shows urging and posts the bulletins whatever the time of day
(and the day of the week) it is started: its clock moves land on a time of day, not on "now + 2 days"."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.emulator.console import DemoConsole
from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from tests.e2e.conftest import World

SH = ZoneInfo("Asia/Shanghai")
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "demo-week.txt"
URGING_WORDS = ("提醒", "Reminder", "今日到期", "due today", "催办通知", "urging notice")


LINES = SCRIPT.read_text(encoding="utf-8").splitlines()


async def _lines(lines: list[str]) -> AsyncIterator[str]:
    for line in lines:
        yield line + "\n"


@pytest.mark.parametrize(
    "start",
    ["2026-12-06 03:00", "2026-12-04 23:30", "2026-12-02 14:00"],  # Sunday night, Friday late, Wednesday
)
async def test_the_scripted_week_urges_and_posts_bulletins_whenever_it_starts(
    world: World, start: str, tmp_path: Path
) -> None:
    world.clock.set(datetime.fromisoformat(start).replace(tzinfo=SH))
    out = io.StringIO()
    console = DemoConsole(
        world.slack, clock=world.clock, after_step=world.runtime.tick, out=out, output_dir=tmp_path
    )
    await console.run(_lines(LINES))
    await world.deliver()
    dms = [
        m.all_text()
        for user in ("U0HEADA", "U0STAFFA", "U0STAFFB", "U0HEADB", "U0STAFFB2")
        for m in world.slack.dm(user)
    ]
    assert any(word in text for text in dms for word in URGING_WORDS), out.getvalue()[-3000:]
    posted = [m.all_text() for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL)]
    assert any("周通报" in text or "weekly" in text.lower() for text in posted), posted
