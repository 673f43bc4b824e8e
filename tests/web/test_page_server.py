"""The page's HTTP API without a browser: fragments, actions through the bot, live events, file downloads."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from bot.calendar_sources import standard_calendar
from bot.emulator.web.server import next_working_morning
from messages.notices import ACK
from tests.web.conftest import Demo

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def ui(http: aiohttp.ClientSession, demo: Demo, **query: str) -> dict[str, Any]:
    async with http.get(demo.url + "api/ui", params=query) as response:
        return await response.json()


async def act(http: aiohttp.ClientSession, demo: Demo, **body: Any) -> dict[str, Any]:
    async with http.post(demo.url + "api/act", json=body) as response:
        return await response.json()


async def test_a_command_typed_on_the_page_reaches_the_bot_and_its_notice_is_drawn(demo: Demo) -> None:
    async with aiohttp.ClientSession() as http:
        sent = await act(
            http,
            demo,
            user="U0LEADER",
            kind="send",
            channel="D0LEADER",
            text="/duban 交办 @张伟 修订预案 截止 12-15",
        )
        assert sent["ok"], sent
        assert demo.slack.calls_to("chat.postMessage")  # the bot answered through the emulated Web API
        elsewhere = await ui(http, demo, user="U0HEADA", conv="C0BULLETIN")
        assert 'data-conv="D0HEADA">督办 Duban<span class="badge">1<' in elsewhere["sidebar"]  # one unread
        seen = await ui(http, demo, user="U0HEADA")
        assert seen["conv"] == "D0HEADA" and 'class="badge"' not in seen["sidebar"]  # read once shown
        assert "修订预案" in seen["main"] and f'data-action-id="{ACK}"' in seen["main"]
        assert "张伟" in seen["topbar"] and "部门负责人" in seen["topbar"]

        notice = demo.slack.dm("U0HEADA")[0]
        pressed = await act(
            http, demo, user="U0HEADA", kind="click", channel=notice.channel, ts=notice.ts, action_id=ACK
        )
        assert pressed["ok"], pressed
        assert "已签收" in (await ui(http, demo, user="U0HEADA"))["main"]


async def test_refusals_come_back_as_notices_not_crashes(demo: Demo) -> None:
    async with aiohttp.ClientSession() as http:
        assert not (await act(http, demo, user="U0NOBODY", kind="home"))["ok"]
        assert not (await act(http, demo, user="U0LEADER", kind="fly"))["ok"]
        gone = await act(
            http, demo, user="U0LEADER", kind="click", channel="D0LEADER", ts="1.0", action_id=ACK
        )
        assert gone == {"ok": False, "error": "that message is gone"}
        back = await act(http, demo, user="U0LEADER", kind="clock", op="date", date="2026-01-01")
        assert back == {"ok": False, "error": "the demo clock never goes backwards"}
        async with http.get(demo.url + "api/ui", params={"user": "U0NOBODY"}) as response:
            assert response.status == 400


async def test_the_ledger_is_a_download_and_the_page_hears_about_it_live(demo: Demo) -> None:
    async with aiohttp.ClientSession() as http:
        await act(
            http,
            demo,
            user="U0LEADER",
            kind="send",
            channel="D0LEADER",
            text="/duban assign @张伟 预案 due 12-15",
        )
        async with http.get(demo.url + "api/events") as events:
            first = await events.content.readline()
            assert first.startswith(b"data: ")
            await events.content.readline()  # the blank line that ends the event
            asked = asyncio.create_task(
                act(http, demo, user="U0DEPUTY", kind="send", channel="D0DEPUTY", text="/duban export")
            )
            later = await asyncio.wait_for(events.content.readline(), timeout=10)
            assert later.startswith(b"data: ") and int(later[6:]) > int(first[6:])
            assert (await asked)["ok"]
        await demo.slack.wait_for(lambda: [f for f in demo.slack.files if f.completed], max_wait=5)
        [ledger] = [f for f in demo.slack.files if f.completed]
        main = (await ui(http, demo, user="U0DEPUTY"))["main"]
        assert f"/files/{ledger.id}?download=1" in main
        async with http.get(demo.url + f"files/{ledger.id}", params={"download": "1"}) as response:
            assert response.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
            assert await response.read() == ledger.content and ledger.content.startswith(b"PK")


async def test_the_clock_buttons_move_demo_time_forward(demo: Demo) -> None:
    async with aiohttp.ClientSession() as http:
        before = demo.clock.now()
        assert (await act(http, demo, user="U0SUPER", kind="clock", op="hour"))["ok"]
        assert 3600 <= (demo.clock.now() - before).total_seconds() < 3660
        assert (await act(http, demo, user="U0SUPER", kind="clock", op="date", date="2026-12-07"))["ok"]
        local = demo.clock.now().astimezone(SHANGHAI)
        assert (local.date().isoformat(), local.hour) == ("2026-12-07", 9)
        assert "2026-12-07 09:0" in (await ui(http, demo, user="U0SUPER"))["topbar"]


def test_next_working_morning_skips_evenings_weekends_and_holidays() -> None:
    calendar = standard_calendar()

    def morning(text: str) -> str:
        now = datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
        return next_working_morning(now, SHANGHAI, datetime.min.time().replace(hour=9), calendar).isoformat()

    assert morning("2026-11-26 08:00") == "2026-11-26T09:00:00+08:00"  # Thursday, before work
    assert morning("2026-11-26 09:00") == "2026-11-27T09:00:00+08:00"  # strictly after now
    assert morning("2026-11-27 17:00") == "2026-11-30T09:00:00+08:00"  # Friday evening -> Monday
    assert morning("2026-09-30 12:00") == "2026-10-08T09:00:00+08:00"  # over the National Day holiday
