"""The message shortcut "督办 this message": the assignment form quotes and links the message."""

from __future__ import annotations

from bot.emulator.seed import DEMO_BULLETIN_CHANNEL
from tests.e2e.conftest import World

TEXT = "请各科室周五前报送防汛物资清单\n包括数量和存放地点 & 责任人"


async def test_shortcut_opens_the_form_quoted_and_linked_and_the_item_keeps_the_link(world: World) -> None:
    posted = await world.slack.post_message("U0HEADA", DEMO_BULLETIN_CHANNEL, TEXT)
    message = posted.message
    assert message is not None
    reply = await world.slack.message_shortcut("U0LEADER", message, "duban_message")
    await world.slack.settle()
    assert reply.status == 200

    view = world.slack.open_view("U0LEADER")
    assert view is not None and view.callback_id == "assign_from_message"
    link = f"https://duban-demo.slack.com/archives/{DEMO_BULLETIN_CHANNEL}/p{message.ts.replace('.', '')}"
    [call] = world.slack.calls_to("chat.getPermalink")
    assert call.params["channel"] == DEMO_BULLETIN_CHANNEL and call.params["message_ts"] == message.ts
    assert link in str(view.blocks)  # shown at the top once known
    inputs = {b["block_id"]: b["element"] for b in view.blocks if b.get("type") == "input"}
    assert inputs["title"]["initial_value"] == "请各科室周五前报送防汛物资清单"
    assert inputs["requirements"]["initial_value"] == (
        "<@U0HEADA>:\n> 请各科室周五前报送防汛物资清单\n> 包括数量和存放地点 & 责任人"
    )

    await world.slack.submit("U0LEADER", view, {"lead": "U0HEADA", "due": "2026-12-18"})
    await world.deliver()
    assert world.slack.last_view_errors("U0LEADER") == {}
    item = await world.item("DB-2026-0001")
    assert item.title == "请各科室周五前报送防汛物资清单"
    assert item.requirements.startswith("<@U0HEADA>:\n> 请各科室周五前报送防汛物资清单")
    assert item.requirements.endswith(f"原消息：{link}")
    assert "督查通知单 DB-2026-0001" in world.slack.dm("U0HEADA")[-1].all_text()


async def test_shortcut_in_english_and_field_errors_come_back_on_the_form(world: World) -> None:
    posted = await world.slack.post_message("U0HEADB", DEMO_BULLETIN_CHANNEL, "Budget review by Friday")
    assert posted.message is not None
    await world.slack.message_shortcut("U0SUPER2", posted.message, "duban_message")
    await world.slack.settle()
    view = world.slack.open_view("U0SUPER2")
    assert view is not None and "Original message: https://" in str(view.blocks)
    await world.slack.submit("U0SUPER2", view, {"lead": "U0HEADB", "due": "2026-11-01"})
    assert set(world.slack.last_view_errors("U0SUPER2")) == {"due"}
    await world.deliver()
    assert await world.item_count() == 0


async def test_shortcut_refused_to_someone_who_may_not_assign(world: World) -> None:
    posted = await world.slack.post_message("U0HEADA", DEMO_BULLETIN_CHANNEL, TEXT)
    assert posted.message is not None
    await world.slack.message_shortcut("U0STAFFB", posted.message, "duban_message")
    await world.slack.settle()
    assert world.slack.open_view("U0STAFFB") is None
    assert "只有领导 / 督查人员可以交办事项" in world.slack.ephemerals("U0STAFFB")[-1].all_text()
    assert world.slack.calls_to("views.open") == []
