"""The working-day calendar on today's date: 2027 has no published schedule, yet nothing is refused.

Deadlines in a computed year are accepted and marked provisional, the office hears once per year, and
an admin who enters the State Council's schedule changes where the listing says each day came from.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.calendar_sources import OFFICIAL
from bot.emulator.modals import apply_values
from bot.emulator.transport import Reply
from tests.e2e.conftest import World

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 4 December 2026, 10:00 in Shanghai: the day this calendar was built for.
DEC_4 = datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)


def shown(reply: Reply) -> str:
    """Everything the person sees in a reply: its text and every block."""
    return reply.message.all_text() if reply.message is not None else shown(reply)


def dms(world: World, user: str, needle: str) -> list:
    return [m for m in world.slack.dm(user) if needle in m.all_text()]


async def test_a_plain_assignment_in_december_gets_a_provisional_deadline_in_2027(world: World) -> None:
    world.clock.set(DEC_4)
    reply = await world.command("U0LEADER", "交办 <@U0HEADA> 修订防汛应急预案")
    item = await world.item("DB-2026-0001")
    # One month on is Monday 4 January 2027 (computed: 1 January is New Year's Day, 2-3 a weekend).
    assert item.current_due == date(2027, 1, 4)
    assert "暂定" in shown(reply) and "2027" in shown(reply)
    # The office hears once per year, in each reader's language ...
    assert len(dms(world, "U0SUPER", "2027 年放假安排")) == 1
    assert len(dms(world, "U0SUPER2", "2027 holiday schedule")) == 1
    # ... not once per deadline.
    again = await world.command("U0LEADER", "assign <@U0HEADB> Second task due 2027-03-15")
    assert "Provisional" in shown(again) or "暂定" in shown(again)
    assert len(dms(world, "U0SUPER", "2027 年放假安排")) == 1


async def test_a_deadline_next_year_on_the_real_clock(world: World) -> None:
    now = datetime.now(UTC)
    world.clock.set(now)
    year = now.astimezone(SHANGHAI).year + 1
    reply = await world.command("U0LEADER", f"assign <@U0HEADA> Next year's plan due {year}-03-15")
    item = await world.item(f"DB-{now.astimezone(SHANGHAI).year}-0001")
    assert item.current_due == date(year, 3, 15)
    # Provisional exactly when the installed package lacks that year's published schedule.
    assert ("暂定" in shown(reply)) == (not OFFICIAL.covers(year))
    default = await world.command("U0LEADER", "交办 <@U0HEADB> 默认期限的事项")
    assert "DB-" in world.slack.dm("U0HEADB")[-1].all_text(), shown(default)


async def test_late_at_night_today_is_still_today(world: World) -> None:
    world.clock.set(datetime(2026, 12, 4, 23, 30, tzinfo=SHANGHAI))  # 15:30 UTC
    ok = await world.command("U0LEADER", "交办 <@U0HEADA> 夜间交办 截止 12月4日")
    assert (await world.item("DB-2026-0001")).current_due == date(2026, 12, 4), shown(ok)
    past = await world.command("U0LEADER", "交办 <@U0HEADA> 夜间交办 截止 2026-12-03")
    assert "已过" in shown(past) and "2026-12-04" in shown(past)
    world.clock.set(datetime(2026, 12, 5, 0, 30, tzinfo=SHANGHAI))  # still 4 December in UTC
    late = await world.command("U0LEADER", "交办 <@U0HEADA> 夜间交办 截止 2026-12-04")
    assert "已过" in shown(late) and await world.item_count() == 1


async def test_typed_dates_say_what_they_mean(world: World) -> None:
    world.clock.set(datetime(2026, 12, 16, 10, 0, tzinfo=SHANGHAI))
    rolled = await world.command("U0LEADER", "交办 <@U0HEADA> 年度总结 截止 12月1日")
    assert (await world.item("DB-2026-0001")).current_due == date(2027, 12, 1)
    assert "明年 12月1日" in shown(rolled)
    english = await world.command("U0SUPER2", "assign <@U0HEADA> Year-end report due Dec 31")
    assert (await world.item("DB-2026-0002")).current_due == date(2026, 12, 31), shown(english)
    rolled_en = await world.command("U0SUPER2", "assign <@U0HEADA> Audit due 1 Dec")
    assert "1 Dec next year" in shown(rolled_en)
    no_30th = await world.command("U0LEADER", "交办 <@U0HEADA> 不存在的日子 截止 2月30日")
    assert "2 月没有 30 日" in shown(no_30th)
    weekend = await world.command("U0LEADER", "交办 <@U0HEADA> 周末截止 截止 2026-12-19")
    assert (await world.item("DB-2026-0004")).current_due == date(2026, 12, 19)  # accepted as typed
    assert "不是工作日" in shown(weekend) and "2026年12月21日" in shown(weekend)
    assert await world.item_count() == 4


async def test_an_extension_to_a_day_off_is_accepted_with_a_warning(world: World) -> None:
    world.clock.set(DEC_4)
    await world.command("U0LEADER", "交办 <@U0STAFFA> 修订预案 截止 2026-12-15")
    reply = await world.command("U0STAFFA", "延期 1 Jan 1 等待省厅批复")
    assert "2027" in shown(reply) and "不是工作日" in shown(reply) and "暂定" in shown(reply)


async def test_form_dates_never_show_python_messages(world: World) -> None:
    await world.command("U0LEADER", "new")
    view = world.slack.open_view("U0LEADER")
    assert view is not None
    # The date picker cannot produce 30 February; a tampered or garbled submission can.
    live = world.slack.state.find_view(view.id)
    assert live is not None
    apply_values(world.slack.state, live, {"title": "表单日期", "lead": "U0HEADA", "due": "2027-02-01"})
    for entry in live.state_values["due"].values():
        entry["selected_date"] = "2027-02-30"
    await world.slack.submit("U0LEADER", view)
    errors = world.slack.last_view_errors("U0LEADER")
    assert "due" in errors and "out of range" not in errors["due"], errors
    assert await world.item_count() == 0


async def test_an_admin_enters_the_official_2027_schedule(world: World) -> None:
    world.clock.set(DEC_4)
    before = await world.command("U0LEADER", "节假日 列表 2027")
    assert "推算（holidays 数据包）" in shown(before) and "已内置" not in shown(before)
    refused = await world.command("U0LEADER", "节假日 2027-02-06..2027-02-13 休 春节")
    assert "管理员" in shown(refused)

    entered = await world.command("U0SUPER", "节假日 2027-02-06..2027-02-13 休 春节")
    assert "共 8 天" in shown(entered) and "2027 确认" in shown(entered)
    await world.command("U0SUPER", "节假日 2027-02-20 班 春节调休")
    middle = await world.command("U0SUPER", "节假日 列表 2027")
    assert "<@U0SUPER>" in shown(middle) and "推算（holidays 数据包）" in shown(middle)  # not confirmed yet

    confirmed = await world.command("U0SUPER", "节假日 2027 确认")
    assert "放假 8 天" in shown(confirmed) and "调休上班 1 天" in shown(confirmed)
    after = await world.command("U0SUPER", "节假日 列表 2027")
    assert "推算" not in shown(after) and "已内置" not in shown(after)
    assert "录入并确认" in shown(after) and shown(after).count("<@U0SUPER>") >= 3
    english = await world.command("U0SUPER2", "holiday list 2027")
    assert "entered by <@U0SUPER>" in shown(english) and "computed" not in shown(english)

    # 2027 now follows the entered schedule: no provisional note, and the make-up Saturday counts.
    reply = await world.command("U0LEADER", "交办 <@U0HEADA> 节后工作 截止 2027-02-19")
    assert "暂定" not in shown(reply) and "不是工作日" not in shown(reply)
    published = await world.command("U0SUPER", "节假日 列表 2026")
    assert "国家公布（chinesecalendar 数据包）" in shown(published)
