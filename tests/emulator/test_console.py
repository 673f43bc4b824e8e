"""DemoConsole driven by scripted lines against the tiny bolt app."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path

from bot.domain.clock import ManualClock
from bot.emulator.console import DemoConsole
from bot.emulator.driver import SlackEmulator

from .tiny_bot import TinyBot


async def _lines(items: Iterable[str]) -> AsyncIterator[str]:
    for item in items:
        yield item + "\n"


async def _run(emu: SlackEmulator, script: list[str], tmp_path: Path | None = None) -> tuple[str, int]:
    steps = 0

    async def after_step() -> None:
        nonlocal steps
        steps += 1

    out = io.StringIO()
    clock = ManualClock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    console = DemoConsole(
        emu, clock=clock, after_step=after_step, out=out, output_dir=tmp_path or "demo-output"
    )
    await console.run(_lines(script))
    return out.getvalue(), steps


async def test_slash_ack_and_clock(emu: SlackEmulator, tiny: TinyBot) -> None:
    output, steps = await _run(
        emu, ["as U0LEADER", "/duban hi", "clock +1d", "clock 2026-11-01 09:00", "quit"]
    )
    assert "[王建国 leader] > " in output
    assert "收到：hi" in output
    assert "only visible to you" in output
    assert "#1 督办 Duban" in output  # the DM the tiny bot sends after acking
    assert "[1] 确认收到*" in output and "[2] 申请延期" in output
    assert "Demo time: 2026-12-01 09:00 Tue (Asia/Shanghai)" in output
    assert "Demo time: 2026-12-02 09:00 Wed (Asia/Shanghai)" in output
    assert "never goes backwards" in output
    assert steps == 4  # after every command but quit


async def test_mentions_press_reply_and_thread(emu: SlackEmulator, tiny: TinyBot) -> None:
    output, _ = await _run(
        emu,
        [
            "as 张伟",
            "/duban assign @sarah lee 修订应急预案 @刘洋",
            "press 1",
            "inbox",
            "reply 1 进展：已完成初稿",
            "thread 1",
            "bogus",
        ],
    )
    assert tiny.seen["command"][0]["text"] == "assign <@U0HEADB|sarah.lee> 修订应急预案 <@U0STAFFA|liuyang>"
    assert "(pressed 确认收到)" in output
    assert "已确认 ✓" in output
    assert tiny.seen["message"][0]["text"] == "进展：已完成初稿"
    assert "收到进展：进展：已完成初稿" in output
    assert "-- thread --" in output
    assert "unknown command 'bogus'" in output


async def test_modal_walk_with_errors(emu: SlackEmulator, tiny: TinyBot) -> None:
    output, _ = await _run(
        emu,
        [
            "as 1",
            "/duban new",
            "短",  # title
            "@张伟",  # lead
            "12-05",  # due, short form takes the demo year
            "2",  # priority: option number
            "1,2",  # flags
            "y",
            "修订应急预案",  # only the rejected title is asked again
            "",
            "quit",
        ],
    )
    assert "┌ 新建督办事项  [modal new_item]" in output
    assert "⚠ 事项标题: 标题至少四个字" in output
    assert "(submitted)" in output
    first, second = tiny.seen["view"]
    assert first["view"]["state"]["values"]["title"]["title_input"]["value"] == "短"
    values = second["view"]["state"]["values"]
    assert values["title"]["title_input"]["value"] == "修订应急预案"
    assert values["lead"]["lead_user"]["selected_user"] == "U0HEADA"
    assert values["due"]["due_date"]["selected_date"] == "2026-12-05"
    assert values["priority"]["priority_pick"]["selected_option"]["value"] == "urgent"
    assert [o["value"] for o in values["flags"]["flag_boxes"]["selected_options"]] == [
        "confidential",
        "receipt",
    ]
    assert emu.open_view("U0LEADER") is None


async def test_home_users_and_files(emu: SlackEmulator, tiny: TinyBot, tmp_path: Path) -> None:
    upload = await tiny.app.client.files_upload_v2(channel=None, filename="报告.txt", content="督办报告")
    assert upload["ok"]
    output, _ = await _run(emu, ["users", "as 4", "home", "press 1", "files"], tmp_path)
    assert " 4. U0SUPER2" in output and "←" in output
    assert "== 我的督办 ==" in output
    assert "@张伟 牵头 1 项" in output
    assert tiny.seen["home_action"][0]["user"]["id"] == "U0SUPER2"
    saved = await asyncio.to_thread(lambda: [p.read_text() for p in tmp_path.iterdir()])
    assert saved == ["督办报告"]


async def test_a_channel_mention_shows_the_channels_name(emu: SlackEmulator, tiny: TinyBot) -> None:
    # Slack draws <#C…> as the channel's name; the console must not print the id.
    posted = await tiny.app.client.chat_postMessage(channel="U0LEADER", text="已发布到 <#C0BULLETIN>。")
    assert posted["ok"]
    output, _ = await _run(emu, ["as U0LEADER", "quit"])
    assert "已发布到 #duban-bulletin。" in output and "C0BULLETIN" not in output
