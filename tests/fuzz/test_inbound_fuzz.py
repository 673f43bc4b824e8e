"""Hypothesis-driven fuzzing of everything a user or Slack can send: slash-command text, every modal
submission, Events API payloads. Random, oversized, wrong types, unknown ids, emoji, mixed scripts, control
characters, 10,000-character fields. The answer is always a localised explanation or a silent ignore:
never a 5xx, never an unhandled exception, never a partial write (the invariants below hold after every case).

DUBAN_FUZZ_EXAMPLES scales the number of cases (CI runs the default; run by hand with e.g. 2000).
"""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.emulator import payloads
from bot.emulator.transport import FORM, JSON, interactive_body, json_body
from storage.models import ItemEventRow, ItemOwnerRow, ItemRow
from tests.e2e.conftest import World

EXAMPLES = int(os.environ.get("DUBAN_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every CI run; DUBAN_FUZZ_EXAMPLES widens the search by hand
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PEOPLE = ["U0LEADER", "U0SUPER", "U0HEADA", "U0HEADB", "U0STAFFA", "U0GONE", "U0NOSUCH", "W0ODD"]
WORDS = [
    "交办",
    "assign",
    "new",
    "list",
    "show",
    "查看",
    "report",
    "反馈",
    "review",
    "审核",
    "urge",
    "催办",
    "extend",
    "延期",
    "bulletin",
    "通报",
    "archive",
    "归档",
    "export",
    "holiday",
    "节假日",
    "lang",
    "help",
    "截止",
    "due",
    "来源",
    "source",
    "每周一",
    "every",
    "mon",
    "09:00",
    "紧急",
    "urgent",
    "机密",
    "confidential",
    "12月1日",
    "2月30日",
    "2027-02-30",
    "+10d",
    "3wd",
    "明天",
    "Dec 31",
    "DB-2026-0001",
    "DB-9999-9999",
    "<@U0HEADA>",
    "<@U0NOSUCH|ghost>",
    "<!channel>",
    "<!here>",
    "<!subteam^S1|@ops>",
    "<#C0BULLETIN>",
    "@张伟",
    "@nobody",
    "&amp;",
    "<",
    ">",
    "*bold*",
    "`code`",
    "\u202e",
    "\x00",
    "\x1b[31m",
    "🔥",
    "👨‍👩‍👧",
]
nasty_text = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=10).map(" ".join),
    st.builds(lambda w, t: f"{w} {t}", st.sampled_from(WORDS), st.text(max_size=30)),
    st.sampled_from(["", " ", "长" * 10_000, "x" * 4000, "\n" * 50, "交办 <@U0HEADA> " + "题" * 3000]),
)
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


async def assert_invariants(world: World) -> None:
    """Nothing half-written: every item has its number, an owner and its dossier; no orphan sends."""
    items = await world.rows(select(ItemRow))
    for item in items:
        assert item.number.startswith("DB-")
        events = await world.scalar(select(func.count()).where(ItemEventRow.item_id == item.id))
        owners = await world.scalar(select(func.count()).where(ItemOwnerRow.item_id == item.id))
        assert events >= 1 and owners >= 1, item.number
    for row in await world.outbox():
        assert row.method and isinstance(row.payload, dict)


@FUZZ
@given(user=st.sampled_from(PEOPLE[:5]), text=nasty_text)
async def test_slash_command_text(world: World, user: str, text: str) -> None:
    reply = await world.slack.slash(user, text)
    assert reply.status == 200, (text, reply.body)
    answer = reply.body if isinstance(reply.body, str) else reply.body.get("text") or reply.body.get("blocks")
    if not answer:  # an empty ack is right only when the command opened a form
        await world.slack.settle()
        assert world.slack.open_view(user) is not None, text
        await world.slack.close_view(user)
    assert "Traceback" not in str(answer) and "Error:" not in str(answer)
    await assert_invariants(world)


def _element_value(kind: str, raw: Any) -> dict[str, Any]:
    """A state value of the element's type, filled with whatever the fuzzer drew."""
    text = raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False)
    shapes: dict[str, dict[str, Any]] = {
        "plain_text_input": {"value": text},
        "datepicker": {"selected_date": text[:20]},
        "timepicker": {"selected_time": text[:10]},
        "users_select": {"selected_user": text[:20]},
        "multi_users_select": {"selected_users": [text[:20], "U0HEADA"]},
        "static_select": {
            "selected_option": {"value": text[:150], "text": {"type": "plain_text", "text": "x"}}
        },
        "radio_buttons": {"selected_option": {"value": text[:150]}},
        "checkboxes": {"selected_options": [{"value": text[:150]}]},
        "number_input": {"value": text[:20]},
    }
    return {"type": kind, **shapes.get(kind, {"value": raw})}


async def _a_real_view(world: World, user: str, which: str) -> dict[str, Any]:
    """Open one of the bot's real forms and return its definition as Slack would echo it."""
    if which == "assign":
        await world.slack.slash(user, "new")
    else:
        if await world.item_count() == 0:
            await world.command("U0LEADER", "assign <@U0HEADA> Fuzz target due +10d")
        await world.slack.slash(
            "U0HEADA", f"{which} DB-2026-0001" if which != "report" else "report DB-2026-0001"
        )
        user = "U0HEADA"
    await world.slack.settle()
    view = world.slack.open_view(user)
    assert view is not None, which
    return view.to_api(world.slack.state.team_id, world.slack.state.app_id, world.slack.state.bot_id)


@FUZZ
@given(
    which=st.sampled_from(["assign", "report", "extend"]),
    raws=st.lists(json_value, min_size=1, max_size=12),
    metadata=st.one_of(st.just(None), nasty_text),
)
async def test_modal_submissions(world: World, which: str, raws: list[Any], metadata: str | None) -> None:
    user = "U0LEADER"
    view = await _a_real_view(world, user, which)
    values: dict[str, dict[str, Any]] = {}
    inputs = [b for b in view["blocks"] if b.get("type") == "input"]
    for i, block in enumerate(inputs):
        element = block["element"]
        values[block["block_id"]] = {
            element["action_id"]: _element_value(element["type"], raws[i % len(raws)])
        }
    view["state"] = {"values": values}
    if metadata is not None:
        view["private_metadata"] = metadata[:3000]
    submitter = world.slack.state.users["U0HEADA" if which != "assign" else user]
    payload = payloads.view_submission(
        world.slack.state, user=submitter, view=_Echo(view), trigger_id="t", token="x"
    )
    reply = await world.slack.post_signed(interactive_body(payload), FORM)
    assert reply.status == 200, reply.body
    if isinstance(reply.body, dict) and reply.body.get("response_action") == "errors":
        assert all(isinstance(v, str) and v for v in reply.body["errors"].values())
        assert "out of range" not in json.dumps(reply.body, ensure_ascii=False)  # never Python's own words
    await world.deliver()
    await assert_invariants(world)


class _Echo:
    """Stands in for an emulator View: the payload builder only asks for to_api()."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def to_api(self, *_: Any) -> dict[str, Any]:
        return self.data


event_kinds = st.sampled_from(
    [
        "message",
        "app_home_opened",
        "app_mention",
        "member_joined_channel",
        "user_change",
        "file_shared",
        "team_join",
        "unknown_kind",
    ]
)


@FUZZ
@given(
    kind=event_kinds,
    user=st.sampled_from(PEOPLE),
    text=nasty_text,
    extra=st.dictionaries(
        st.sampled_from(["thread_ts", "channel", "subtype", "tab", "files", "bot_id", "user"]),
        json_value,
        max_size=4,
    ),
)
async def test_events_api_payloads(
    world: World, kind: str, user: str, text: str, extra: dict[str, Any]
) -> None:
    event: dict[str, Any] = {
        "type": kind,
        "user": user,
        "text": text,
        "channel": "D0HEADA",
        "ts": "1.000001",
        **extra,
    }
    envelope = payloads.event_callback(world.slack.state, event, event_id=payloads.new_event_id(), token="x")
    reply = await world.slack.post_signed(json_body(envelope), JSON)
    # 400: a shape Slack never sends (an id that is neither a string nor an object), refused up front.
    assert reply.status == 200 or (reply.status == 400 and reply.json.get("error") == "malformed_body"), (
        reply.body
    )
    await world.deliver()
    await assert_invariants(world)
