"""Pure helpers: state conversions, rendering, console parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.emulator.console_input import escape_mentions, find_person, parse_answer, parse_clock
from bot.emulator.models import Message, View
from bot.emulator.render import display_width, mrkdwn, render_message, render_view
from bot.emulator.seed import DEMO_CHANNELS, DEMO_USERS
from bot.emulator.state import WorkspaceState
from bot.emulator.view_state import entry_from_value, initial_state


def _state() -> WorkspaceState:
    return WorkspaceState(
        team_id="T0DEMO",
        team_domain="d",
        bot_user_id="U0DUBANBOT",
        bot_id="B0",
        app_id="A0",
        users=DEMO_USERS,
        channels=DEMO_CHANNELS,
    )


def _users(ref: str) -> str | None:
    user = _state().resolve_user(ref)
    return user.id if user else None


OPTIONS = [
    {"text": {"type": "plain_text", "text": "一般"}, "value": "normal"},
    {"text": {"type": "plain_text", "text": "紧急"}, "value": "urgent"},
]


@pytest.mark.parametrize(
    ("element", "value", "expected"),
    [
        ({"type": "plain_text_input"}, "标题", {"value": "标题"}),
        ({"type": "number_input", "is_decimal_allowed": False}, 3, {"value": "3"}),
        ({"type": "users_select"}, "@张伟", {"selected_user": "U0HEADA"}),
        (
            {"type": "multi_users_select"},
            ["U0HEADA", "Sarah Lee"],
            {"selected_users": ["U0HEADA", "U0HEADB"]},
        ),
        ({"type": "datepicker"}, date(2026, 12, 5), {"selected_date": "2026-12-05"}),
        ({"type": "timepicker"}, "09:30", {"selected_time": "09:30"}),
        ({"type": "static_select", "options": OPTIONS}, "urgent", {"selected_option": OPTIONS[1]}),
        ({"type": "static_select", "options": OPTIONS}, "紧急", {"selected_option": OPTIONS[1]}),
        ({"type": "radio_buttons", "options": OPTIONS}, "normal", {"selected_option": OPTIONS[0]}),
        ({"type": "checkboxes", "options": OPTIONS}, ["normal", "urgent"], {"selected_options": OPTIONS}),
        ({"type": "checkboxes", "options": OPTIONS}, [], {"selected_options": []}),
        ({"type": "users_select"}, None, {"selected_user": None}),
    ],
)
def test_entry_from_value(element: dict, value: object, expected: dict) -> None:
    element = {"action_id": "a", **element}
    assert entry_from_value(element, value, users=_users) == {"type": element["type"], **expected}


def test_entry_from_value_rejects_unknowns() -> None:
    with pytest.raises(ValueError):
        entry_from_value({"type": "users_select", "action_id": "a"}, "nobody", users=_users)
    with pytest.raises(ValueError):
        entry_from_value({"type": "static_select", "action_id": "a", "options": OPTIONS}, "nope")
    with pytest.raises(ValueError):
        entry_from_value({"type": "datepicker", "action_id": "a"}, "12/05")


def test_conversations_select_and_initial_state() -> None:
    state = _state()
    entry = entry_from_value(
        {"type": "conversations_select", "action_id": "c"},
        "#duban-bulletin",
        channels=lambda r: c.id if (c := state.resolve_channel(r)) else None,
    )
    assert entry == {"type": "conversations_select", "selected_conversation": "C0BULLETIN"}
    blocks = [
        {
            "type": "input",
            "block_id": "b",
            "element": {
                "type": "checkboxes",
                "action_id": "x",
                "options": OPTIONS,
                "initial_options": [OPTIONS[0]],
            },
        }
    ]
    assert initial_state(blocks) == {"b": {"x": {"type": "checkboxes", "selected_options": [OPTIONS[0]]}}}


def test_mrkdwn_to_text() -> None:
    names = {"U0HEADA": "张伟"}.get
    text = "<@U0HEADA> 请处理 <#C0BULLETIN|duban-bulletin> &lt;紧急&gt; &amp; <https://x.test/a|详情> <!here>"
    assert (
        mrkdwn(text, lambda u: names(u) or u)
        == "@张伟 请处理 #duban-bulletin <紧急> & 详情 (https://x.test/a) @here"
    )


def test_render_message_numbers_buttons_and_fields() -> None:
    msg = Message(
        "D0X",
        "1.000001",
        "U0DUBANBOT",
        "fallback",
        blocks=[
            {"type": "header", "block_id": "h", "text": {"type": "plain_text", "text": "新督办"}},
            {
                "type": "section",
                "block_id": "s",
                "text": {"type": "mrkdwn", "text": "牵头 <@U0HEADA>"},
                "fields": [{"type": "mrkdwn", "text": "*截止*\n12-05"}],
                "accessory": {"type": "overflow", "action_id": "more", "options": OPTIONS},
            },
            {"type": "divider", "block_id": "d"},
            {"type": "context", "block_id": "c", "elements": [{"type": "mrkdwn", "text": "督办号 7"}]},
            {
                "type": "actions",
                "block_id": "a",
                "elements": [
                    {"type": "button", "action_id": "ok", "text": {"type": "plain_text", "text": "确认"}}
                ],
            },
        ],
    )
    shown = render_message(
        msg, lambda u: {"U0HEADA": "张伟", "U0DUBANBOT": "督办"}.get(u, u), number=2, start=4
    )
    assert shown.text.splitlines()[0] == "#2 督办"
    assert "== 新督办 ==" in shown.text and "@张伟" in shown.text and "*截止* 12-05" in shown.text
    assert "⋯ [4] 一般  [5] 紧急" in shown.text
    assert "[6] 确认" in shown.text and "· 督办号 7" in shown.text
    assert [(p.action_id, p.pick) for p in shown.pressables] == [
        ("more", "normal"),
        ("more", "urgent"),
        ("ok", None),
    ]


def test_render_view_lists_inputs_with_errors() -> None:
    view = View(
        "V1",
        "U0LEADER",
        "modal",
        blocks=[
            {
                "type": "input",
                "block_id": "p",
                "label": {"type": "plain_text", "text": "紧急程度"},
                "element": {"type": "static_select", "action_id": "x", "options": OPTIONS},
            }
        ],
        hash="h",
        title={"type": "plain_text", "text": "标题"},
        submit={"type": "plain_text", "text": "提交"},
    )
    view.state_values = {"p": {"x": {"type": "static_select", "selected_option": OPTIONS[1]}}}
    text = render_view(view, str, errors={"p": "必填"}).text
    assert "▸ 紧急程度* (static_select) = 紧急" in text
    assert "options: 一般 (normal) / 紧急 (urgent)" in text
    assert "⚠ 必填" in text
    assert display_width("张伟ab") == 6


def test_escape_mentions_and_find_person() -> None:
    users = list(_state().users.values())
    assert escape_mentions("assign @张伟修订预案 @U0STAFFB and @mark", users) == (
        "assign <@U0HEADA|zhangwei>修订预案 <@U0STAFFB|chenjing> and <@U0STAFFB2|mark.wu>"
    )
    assert escape_mentions("@Sarah Lee, <@U0HEADA|zhangwei> mail@nobody", users) == (
        "<@U0HEADB|sarah.lee>, <@U0HEADA|zhangwei> mail@nobody"
    )
    assert escape_mentions("@赵磊", users) == "@赵磊"  # deactivated people cannot be mentioned
    person = find_person("emily", users)
    assert person is not None and person.id == "U0DEPUTY"
    assert find_person("zz", users) is None


def test_parse_clock_and_answers() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert parse_clock("+1d2h30m", now, tz) == datetime(2026, 12, 2, 3, 30, tzinfo=UTC)
    assert parse_clock("2026-12-07 09:00", now, tz) == datetime(2026, 12, 7, 9, 0, tzinfo=tz)
    assert parse_clock("18:00", now, tz) == datetime(2026, 12, 1, 18, 0, tzinfo=tz)
    # A day and a time of day: the same local times whenever a script is started.
    assert parse_clock("+2d 10:00", now, tz) == datetime(2026, 12, 3, 10, 0, tzinfo=tz)
    assert parse_clock("mon 09:30", now, tz) == datetime(2026, 12, 7, 9, 30, tzinfo=tz)  # from Tuesday
    monday = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # a Monday: the next one, a week on
    assert parse_clock("monday 09:30", monday, tz) == datetime(2026, 12, 14, 9, 30, tzinfo=tz)
    with pytest.raises(ValueError):
        parse_clock("tomorrow", now, tz)
    today = date(2026, 12, 1)
    assert parse_answer({"type": "datepicker"}, "12-5", today) == "2026-12-05"
    assert parse_answer({"type": "checkboxes", "options": OPTIONS}, "2，1", today) == ["urgent", "normal"]
    assert parse_answer({"type": "static_select", "options": OPTIONS}, "紧急", today) == "紧急"
    assert parse_answer({"type": "multi_users_select"}, "@张伟, @刘洋", today) == ["@张伟", "@刘洋"]


def test_action_entries_for_buttons_and_selections() -> None:
    from bot.emulator.payloads import action_entry

    button = action_entry(
        "b1",
        {
            "type": "button",
            "action_id": "go",
            "value": "7",
            "style": "danger",
            "text": {"type": "plain_text", "text": "撤销"},
        },
    )
    assert button["text"] == {"type": "plain_text", "text": "撤销", "emoji": True}
    assert (button["type"], button["value"], button["style"], button["block_id"]) == (
        "button",
        "7",
        "danger",
        "b1",
    )
    picked = action_entry("b2", {"type": "overflow", "action_id": "more", "options": OPTIONS}, "urgent")
    assert picked["selected_option"] == OPTIONS[1] and picked["type"] == "overflow"
    chosen = action_entry("b3", {"type": "users_select", "action_id": "who"}, "U0HEADA")
    assert chosen["selected_user"] == "U0HEADA"
    assert float(chosen["action_ts"]) > 0
