"""The one-pass statistics (``bot.domain.statistics``) give exactly the figures, lists and trend of the
straightforward reference (``tests/unit/stats_reference.py``) on random items."""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar_sources import standard_calendar
from bot.domain.figures import StatsConfig
from bot.domain.lifecycle import State
from bot.domain.periods import period_containing
from bot.domain.statistics import ItemSnapshot, compute, trend
from tests.unit import stats_reference as reference

TZ = ZoneInfo("Asia/Shanghai")
CAL = standard_calendar().with_guessing()
BASE = datetime(2026, 9, 20, tzinfo=UTC)
DAYS = 21  # 20 September – 11 October 2026: across a week, month and quarter end; days often coincide

# 20:00 UTC is the next day in Shanghai: local days are exercised.
instants = st.builds(
    lambda day, hour: BASE + timedelta(days=day, hours=hour),
    st.integers(0, DAYS),
    st.sampled_from((1, 10, 20)),
)
days = st.builds(lambda n: BASE.date() + timedelta(days=n), st.integers(0, DAYS))


@st.composite
def snapshots(draw: st.DrawFn) -> ItemSnapshot:
    created = draw(instants)
    return ItemSnapshot(
        number=f"DB-2026-{draw(st.integers(1, 40)):04d}",  # repeats: ties must keep their order
        title="t",
        department=draw(st.sampled_from(("", "office", "reform", "audit"))),
        state=draw(st.sampled_from([*State, State.COMPLETED, State.COMPLETED, State.IN_PROGRESS])),
        original_due=draw(st.none() | days),
        current_due=draw(st.none() | days),
        created_at=created,
        completed_at=draw(st.none() | instants),
        confidential=draw(st.booleans()),
        return_count=draw(st.sampled_from((0, 0, 1, 2, 3))),
        returned_at=tuple(draw(st.lists(instants, max_size=3))),
        urge_round=draw(st.integers(0, 5)),
        escalated_at=draw(st.none() | instants),
        health=draw(st.sampled_from((None, "on_track", "at_risk", "blocked"))),
        unanswered_notice=draw(st.booleans()),
        issued_at=draw(st.none() | instants),
        final_reported_at=draw(st.none() | instants),
        notices=tuple(draw(st.lists(st.tuples(instants, st.none() | instants), max_size=2))),
    )


periods = st.builds(period_containing, st.sampled_from(("week", "month", "quarter", "quarter", "year")), days)
# Mostly after the items (so many are finished, judged, praised), sometimes in the middle of them.
todays = st.one_of(st.just(BASE.date() + timedelta(days=DAYS)), days)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(snapshots(), min_size=10, max_size=60),
    period=periods,
    today=todays,
    limit=st.integers(1, 8),
)
def test_compute_equals_the_reference(
    items: list[ItemSnapshot], period: object, today: date, limit: int
) -> None:
    config = StatsConfig(list_limit=limit)
    fast = compute(items, period, today=today, tz=TZ, calendar=CAL, config=config)  # type: ignore[arg-type]
    slow = reference.compute(items, period, today=today, tz=TZ, calendar=CAL, config=config)  # type: ignore[arg-type]
    assert fast == slow


@settings(max_examples=40, deadline=None)
@given(
    items=st.lists(snapshots(), min_size=10, max_size=60),
    period=periods,
    today=todays,
    count=st.integers(1, 6),
)
def test_trend_equals_the_reference(
    items: list[ItemSnapshot], period: object, today: date, count: int
) -> None:
    fast = trend(items, period, count=count, today=today, tz=TZ, calendar=CAL)  # type: ignore[arg-type]
    slow = reference.trend(items, period, count=count, today=today, tz=TZ, calendar=CAL)  # type: ignore[arg-type]
    assert [astuple(p) for p in fast] == [astuple(p) for p in slow]
