"""Bulletin rendering: both locales, 5 and 5,000 items, every block valid for Slack."""

from __future__ import annotations

import random
import time
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.models.blocks import Block

from bot.calendar_sources import standard_calendar
from bot.domain.periods import period_containing
from bot.domain.read_models import BulletinView, DepartmentName
from bot.domain.statistics import NO_DEPARTMENT, ItemSnapshot, OfficeLimits, compute
from messages.bulletins import bulletin_message

TZ = ZoneInfo("Asia/Shanghai")
WEEK = period_containing("week", date(2026, 11, 26))
NAMES = {
    "office": DepartmentName("办公室", "General Office"),
    "reform": DepartmentName("发展改革科", "Reform"),
}


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=TZ)


def small() -> list[ItemSnapshot]:
    base = date(2026, 11, 10)
    return [
        ItemSnapshot(
            "DB-2026-0001",
            "修订<!channel>预案 & 检查",
            "office",
            "in_progress",
            date(2026, 11, 20),
            date(2026, 11, 20),
            at(base),
            urge_round=3,
            escalated_at=at(date(2026, 11, 24)),
            unanswered_notice=True,
        ),
        ItemSnapshot(
            "DB-2026-0002",
            "Secret staffing plan",
            "reform",
            "in_progress",
            date(2026, 11, 18),
            date(2026, 11, 18),
            at(base),
            confidential=True,
        ),
        ItemSnapshot(
            "DB-2026-0003",
            "Budget review",
            "reform",
            "completed",
            date(2026, 11, 25),
            date(2026, 11, 25),
            at(base),
            completed_at=at(date(2026, 11, 24)),
        ),
        ItemSnapshot(
            "DB-2026-0004",
            "Report twice returned",
            NO_DEPARTMENT,
            "returned",
            date(2026, 12, 20),
            date(2026, 12, 20),
            at(base),
            return_count=2,
        ),
        ItemSnapshot("DB-2026-0005", "FYI", "office", "issued", None, None, at(date(2026, 11, 24))),
    ]


def large(n: int = 5000) -> tuple[list[ItemSnapshot], dict[str, DepartmentName]]:
    rng = random.Random(5)
    names = {f"d{k}": DepartmentName(f"第{k}科室" * 3, f"Department number {k}") for k in range(60)}
    items = []
    for i in range(n):
        created = date(2026, 10, 1) + timedelta(days=rng.randrange(55))
        due = created + timedelta(days=rng.randrange(5, 40))
        done = created + timedelta(days=rng.randrange(1, 50)) if rng.random() < 0.5 else None
        items.append(
            ItemSnapshot(
                f"DB-2026-{i + 1:04d}",
                "很长的督查事由" * 20,
                f"d{rng.randrange(60)}" if i % 7 else NO_DEPARTMENT,
                "completed" if done else "in_progress",
                due,
                due + timedelta(days=rng.randrange(0, 5)),
                at(created),
                completed_at=at(done) if done else None,
                confidential=i % 11 == 0,
                return_count=rng.randrange(3),
                urge_round=rng.randrange(5),
                escalated_at=at(created + timedelta(days=3)) if i % 13 == 0 else None,
                health=rng.choice([None, "at_risk", "blocked", "on_track"]),
                unanswered_notice=i % 17 == 0,
            )
        )
    return items, names


def render(items, names, locale: str, **kw):  # type: ignore[no-untyped-def]
    stats = compute(items, WEEK, today=date(2026, 12, 1), tz=TZ, calendar=standard_calendar())
    view = BulletinView(stats, names, OfficeLimits(registered=3, issued_checked=3, issued_late=1))
    return bulletin_message(view, locale, **kw)


def validate(body: dict) -> str:  # type: ignore[type-arg]
    blocks = body["blocks"]
    assert len(blocks) <= 50
    for block in blocks:
        Block.parse(block).validate_json()  # type: ignore[union-attr]
        for text in _texts(block):
            assert len(text) <= 3000
    if blocks[0]["type"] == "header":
        assert len(blocks[0]["text"]["text"]) <= 150
    return "\n".join(t for b in blocks for t in _texts(b))


def _texts(block: dict) -> list[str]:  # type: ignore[type-arg]
    found = []
    if isinstance(block.get("text"), dict):
        found.append(block["text"]["text"])
    for element in block.get("elements", []) + block.get("fields", []):
        if isinstance(element, dict) and "text" in element and isinstance(element["text"], str):
            found.append(element["text"])
    return found


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_small_bulletin_in_both_locales(locale: str) -> None:
    text = validate(render(small(), NAMES, locale))
    assert ("督办周通报" if locale == "zh" else "Supervision weekly bulletin") in text
    assert ("办公室" if locale == "zh" else "General Office") in text
    assert "DB-2026-0001" in text and "&lt;!channel&gt;" in text and "<!channel>" not in text
    # Confidential: counted and shown by number, never by title, in a channel.
    # Counted, but neither named nor numbered for readers without clearance.
    assert "DB-2026-0002" not in text and "Secret staffing plan" not in text
    assert ("保密事项" if locale == "zh" else "Confidential item") in text
    assert ("按时办结率" if locale == "zh" else "on-time rate") in text  # footer formulas
    assert ("提请领导协调" if locale == "zh" else "Escalated to leaders") in text


def test_confidential_titles_shown_to_allowed_readers_only() -> None:
    text = validate(render(small(), NAMES, "en", can_see_confidential=True, preview=True))
    assert ":lock: Secret staffing plan" in text and "Preview" in text


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_five_thousand_items_stay_within_limits_and_fast(locale: str) -> None:
    items, names = large()
    started = time.perf_counter()
    body = render(items, names, locale)
    elapsed = time.perf_counter() - started
    text = validate(body)
    assert ("另有" if locale == "zh" else "more") in text  # summarised, with the way to the full list
    assert "/duban" in text
    assert len(body["text"]) <= 3000
    assert elapsed < 3.0


def test_catalogs_have_the_same_keys() -> None:
    root = Path(__file__).parents[2] / "messages" / "catalog"

    def keys(path: Path) -> set[str]:
        def walk(data: dict, prefix: str = "") -> set[str]:  # type: ignore[type-arg]
            out: set[str] = set()
            for k, v in data.items():
                out |= walk(v, f"{prefix}{k}.") if isinstance(v, dict) else {prefix + k}
            return out

        return walk(tomllib.loads(path.read_text("utf-8")))

    assert keys(root / "zh" / "records.toml") == keys(root / "en" / "records.toml")
