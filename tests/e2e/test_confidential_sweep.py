"""A confidential item's whole life, and every delivery it caused: its title reaches only the cleared.

The rule (issue 12 §1, ``bot.domain.permissions``): a confidential item's title and texts are for its
owners, its assigner, leaders, supervisors and admins. Department heads who are none of these get
"a confidential item" and its number. The test collects every DM, ephemeral reply, App Home view,
channel post and uploaded file (ledgers unzipped) the emulator holds, every slash-command reply (bulletin
previews of every period among them) and every escalation webhook body, and checks who received the title
and the requirements' text.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.emulator.seed import DEMO_BULLETIN_CHANNEL, DEMO_USERS
from messages import urging as urge_msg
from messages.reports import INSTRUCT, REVIEW
from tests.e2e.conftest import World
from tests.e2e.test_reports import ALL_CHECKS, FINAL, dm_with, open_form, report, submit

TITLE = "XJ干部调整方案"
REQUIREMENTS_WORD = "XJ名单"
# Lead 刘洋 (office, head 张伟), co-owner 陈静 (reform, head Sarah Lee), assigned by 王建国.
CLEARED = {"U0LEADER", "U0DEPUTY", "U0SUPER", "U0SUPER2", "U0STAFFA", "U0STAFFB"}
NOT_CLEARED = {"U0HEADA", "U0HEADB", "U0STAFFB2"}


class Deliveries:
    """What each person received, as text."""

    def __init__(self) -> None:
        self.replies: dict[str, list[str]] = defaultdict(list)

    def reply(self, user: str, reply: object) -> None:
        text = getattr(reply, "text", "") or ""
        message = getattr(reply, "message", None)
        self.replies[user].append(text + (message.all_text() if message else ""))

    def collect(self, world: World) -> dict[str, str]:
        seen: dict[str, list[str]] = defaultdict(list)
        users = [u.user_id for u in DEMO_USERS if not u.deleted]
        for user in users:
            seen[user] += [m.all_text() + repr(m.blocks) for m in world.slack.dm(user)]
            seen[user] += [m.all_text() + repr(m.blocks) for m in world.slack.ephemerals(user)]
            home = world.slack.home(user)
            if home is not None:
                seen[user].append(repr(home))
            seen[user] += self.replies[user]
        channel = "\n".join(
            m.all_text() + repr(m.blocks) for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL)
        )
        for user in users:
            seen[user].append(channel)  # everyone is in the bulletin channel
        for upload in world.slack.files:
            text = _file_text(upload.content) + upload.title + upload.initial_comment
            for channel_id in upload.channels:
                for user in users:
                    if channel_id in (user, "D" + user[1:]):
                        seen[user].append(text)
                if channel_id == DEMO_BULLETIN_CHANNEL:
                    for user in users:
                        seen[user].append(text)
        return {user: "\n".join(texts) for user, texts in seen.items()}


def _file_text(content: bytes) -> str:
    if content[:2] == b"PK":  # a workbook: its shared strings and sheets
        archive = zipfile.ZipFile(io.BytesIO(content))
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    return content.decode("utf-8", "replace")


def with_text(world: World, user: str, needle: str) -> list:  # type: ignore[type-arg]
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def _life(world: World, seen: Deliveries) -> None:
    reply = await world.command(
        "U0LEADER",
        f"assign <@U0STAFFA> <@U0STAFFB> {TITLE} due 2026-12-15 confidential"
        f" requirements 核对{REQUIREMENTS_WORD}",
    )
    seen.reply("U0LEADER", reply)
    assert "DB-2026-0001" in reply.text

    # The ladder, through the written notice (also to the lead's department head) and escalation.
    await world.run_until(lambda: bool(with_text(world, "U0HEADA", "DB-2026-0001")))
    [head_notice] = with_text(world, "U0HEADA", "DB-2026-0001")
    assert TITLE not in head_notice.all_text() and ":lock:" in head_notice.text + repr(head_notice.blocks)
    await world.run_until(lambda: bool(with_text(world, "U0LEADER", "升级督办")))

    # The head answers the written notice with a new date; the office approves the extension.
    await world.click("U0HEADA", head_notice, urge_msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0HEADA")
    assert view is not None
    seen.replies["U0HEADA"].append(repr(view))  # the form the head fills in counts too
    await world.slack.submit(
        "U0HEADA", view, {"reason": "人手不足", "progress": "过半", "new_date": "2027-01-08"}
    )
    await world.deliver()
    await world.click("U0SUPER", dm_with(world, "U0SUPER", urge_msg.EXT_APPROVE), urge_msg.EXT_APPROVE)

    # Report, return, report, approve; the leader's instruction reopens; report and approve again.
    await report(world, "U0STAFFA", FINAL)
    review = await open_form(world, "U0SUPER", dm_with(world, "U0SUPER", REVIEW), REVIEW)
    assert (
        await submit(
            world, "U0SUPER", review, {"decision": "return", "reasons": "数据不全", "new_due": "2027-01-20"}
        )
        == {}
    )
    await report(world, "U0STAFFA", {**FINAL, "done": "补充完毕"})
    review = await open_form(world, "U0SUPER", dm_with(world, "U0SUPER", REVIEW), REVIEW)
    assert await submit(world, "U0SUPER", review, {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    instruct = await open_form(world, "U0LEADER", dm_with(world, "U0LEADER", INSTRUCT), INSTRUCT)
    assert await submit(world, "U0LEADER", instruct, {"text": "继续巩固", "new_due": "2027-01-29"}) == {}
    await report(world, "U0STAFFA", {**FINAL, "done": "已巩固"})
    review = await open_form(world, "U0SUPER", dm_with(world, "U0SUPER", REVIEW), REVIEW)
    assert await submit(world, "U0SUPER", review, {"decision": "approve", "checklist": ALL_CHECKS}) == {}
    assert (await world.item("DB-2026-0001")).state == "completed"

    # Bulletins: previews for everyone, a manual post; scheduled ones went out while the clock ran.
    for user in CLEARED | NOT_CLEARED:
        for period in ("week", "month", "quarter", "year"):
            seen.reply(user, await world.command(user, f"bulletin {period}"))
        seen.reply(user, await world.command(user, "show 1"))
        seen.reply(user, await world.command(user, "list all"))
        seen.reply(user, await world.command(user, "export"))
        await world.slack.open_home(user)
        await world.slack.settle()
    seen.reply("U0SUPER", await world.command("U0SUPER", "bulletin week post"))
    world.advance(days=1)
    seen.reply("U0SUPER", await world.command("U0SUPER", "archive 1"))
    await world.deliver()


async def test_a_confidential_title_reaches_only_the_cleared(world: World) -> None:
    seen = Deliveries()
    bodies: list[str] = []  # the escalation webhook (an SMS or voice gateway): nobody there is cleared
    gateway = await _gateway(bodies)
    try:
        ctx = world.runtime.services.ctx
        ctx.settings = replace(
            ctx.settings, escalation_webhook_url=f"{gateway.url}/sms", webhook_secret="s3cret"
        )
        await _life(world, seen)
    finally:
        await gateway.runner.cleanup()
    assert bodies and all("DB-2026-0001" in body for body in bodies)
    assert not [body for body in bodies if TITLE in body or REQUIREMENTS_WORD in body], bodies
    received = seen.collect(world)
    leaked = sorted(
        user for user in NOT_CLEARED if TITLE in received[user] or REQUIREMENTS_WORD in received[user]
    )
    assert not leaked, {user: _around(received[user]) for user in leaked}
    # The sweep can see the title where it should be (otherwise it proves nothing).
    assert all(TITLE in received[user] for user in CLEARED), [u for u in CLEARED if TITLE not in received[u]]
    assert REQUIREMENTS_WORD in received["U0STAFFA"]  # the owners read the requirements
    # The department heads were told about it, by number and 🔒.
    assert "DB-2026-0001" in received["U0HEADA"]


async def test_a_confidential_title_reaches_only_the_cleared_in_2027_across_the_spring_festival(
    world: World,
) -> None:
    """The same rule on a clock in the coming year: 2027 is computed (5–10 February off), so the written
    notice for a deadline on Thursday 4 February reaches the department head on Thursday 11 February,
    with the week's bulletin. Neither, nor the notice's form, the previews, show, list or App Home,
    gives a department head the title."""
    shanghai = ZoneInfo("Asia/Shanghai")
    world.clock.set(datetime(2027, 2, 1, 10, tzinfo=shanghai))  # Monday before the festival
    seen = Deliveries()
    reply = await world.command(
        "U0LEADER",
        f"assign <@U0STAFFA> <@U0STAFFB> {TITLE} due 2027-02-04 confidential"
        f" requirements 核对{REQUIREMENTS_WORD}",
    )
    seen.reply("U0LEADER", reply)
    assert "DB-2027-0001" in reply.text
    await world.tick()

    world.clock.set(datetime(2027, 2, 10, 17, tzinfo=shanghai))  # the last day off: no notice yet
    await world.tick()
    assert not with_text(world, "U0HEADA", "DB-2027-0001")
    world.clock.set(datetime(2027, 2, 11, 9, 5, tzinfo=shanghai))  # the first working morning after it
    await world.tick()
    await world.deliver()
    [head_notice] = with_text(world, "U0HEADA", "DB-2027-0001")
    assert TITLE not in head_notice.all_text() and ":lock:" in head_notice.text + repr(head_notice.blocks)
    bulletins = [m.all_text() for m in world.slack.channel_messages(DEMO_BULLETIN_CHANNEL) if not m.files]
    # Week 5's bulletin went out that morning too; in the channel the item has neither title nor number.
    [week5] = [text for text in bulletins if "2027年第5周" in text]
    assert "逾期 1" in week5 and "DB-2027-0001" not in week5

    await world.click("U0HEADA", head_notice, urge_msg.NOTICE_ANSWER)
    view = world.slack.open_view("U0HEADA")
    assert view is not None
    seen.replies["U0HEADA"].append(repr(view))
    await world.slack.submit(
        "U0HEADA", view, {"reason": "春节放假", "progress": "过半", "new_date": "2027-02-26"}
    )
    await world.deliver()
    for user in CLEARED | NOT_CLEARED:
        for command in ("bulletin week", "show 1", "list overdue"):
            seen.reply(user, await world.command(user, command))
        await world.slack.open_home(user)
        await world.slack.settle()
    seen.reply("U0SUPER", await world.command("U0SUPER", "bulletin month post"))

    received = seen.collect(world)
    leaked = sorted(
        user for user in NOT_CLEARED if TITLE in received[user] or REQUIREMENTS_WORD in received[user]
    )
    assert not leaked, {user: _around(received[user]) for user in leaked}
    assert all(TITLE in received[user] for user in CLEARED), [u for u in CLEARED if TITLE not in received[u]]
    assert REQUIREMENTS_WORD in received["U0STAFFA"]
    assert "DB-2027-0001" in received["U0HEADA"] and "DB-2027-0001" in received["U0HEADB"]


def _around(text: str) -> str:
    at = text.index(TITLE) if TITLE in text else text.index(REQUIREMENTS_WORD)
    return text[max(0, at - 300) : at + 100]


@dataclass
class _Gateway:
    runner: web.AppRunner
    url: str


async def _gateway(bodies: list[str]) -> _Gateway:
    async def receive(request: web.Request) -> web.Response:
        bodies.append((await request.read()).decode())
        return web.json_response({"queued": True})

    app = web.Application()
    app.router.add_post("/sms", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return _Gateway(runner, f"http://127.0.0.1:{port}")
