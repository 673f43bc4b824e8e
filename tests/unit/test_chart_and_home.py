"""The bulletin chart (valid PNG, no tofu) and App Home paging, without I/O."""

from __future__ import annotations

import io
import struct
from datetime import UTC, date, datetime

import pytest
from slack_sdk.models.blocks import Block

from bot.calendar_sources import standard_calendar
from bot.domain.items import Role
from bot.domain.periods import period_containing
from bot.domain.statistics import ItemSnapshot, Light, compute, trend
from bot.services.dashboard import HomeData, HomeEntry
from messages import charts
from messages.home import HOME_PAGE_NEXT, HOME_PAGE_PREV, home_view
from tests.unit.test_bulletin_render import TZ, WEEK, small

NAMES = {"office": ("办公室", "General Office"), "reform": ("发展改革科", "Reform Section")}


def _chart(locale: str) -> bytes:
    items = small()
    stats = compute(items, WEEK, today=date(2026, 12, 1), tz=TZ, calendar=standard_calendar())
    points = trend(items, WEEK, count=4, today=date(2026, 12, 1), tz=TZ, calendar=standard_calendar())
    return charts.bulletin_chart(stats.departments, NAMES, points, locale=locale, period=WEEK)


def test_chart_is_a_png_that_matplotlib_can_read() -> None:
    from matplotlib import image

    png = _chart("en")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png[12:16] == b"IHDR"
    assert struct.unpack(">II", png[16:24]) == (1000, 480)
    assert image.imread(io.BytesIO(png), format="png").shape[:2] == (480, 1000)


def test_chinese_chart_falls_back_to_english_without_a_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.chart_locale("zh") == "en"
    monkeypatch.setattr(charts, "cjk_font", lambda: "Noto Sans CJK SC")
    assert charts.chart_locale("zh") == "zh"
    assert charts._name("office", NAMES, "en") == "General Office"


def test_home_pages_stay_within_100_blocks() -> None:
    snapshot = ItemSnapshot("DB-2026-0001", "t", "office", "in_progress", None, None, datetime.now(UTC))
    entries = [HomeEntry(snapshot, Light.GREEN, 0, None)] * 120
    data = HomeData("U1", frozenset({Role.MEMBER}), mine=entries)
    first = home_view(data, "zh", "Asia/Shanghai", datetime.now(UTC), 0)
    pages = []
    for page in range(4):
        view = home_view(data, "en", "Asia/Shanghai", datetime.now(UTC), page)
        assert len(view["blocks"]) <= 100
        for block in view["blocks"]:
            Block.parse(block).validate_json()  # type: ignore[union-attr]
        pages.append(view)
    buttons = [e["action_id"] for b in first["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert HOME_PAGE_NEXT in buttons and HOME_PAGE_PREV not in buttons
    last = pages[-1]["blocks"]  # 120 items × 2 blocks need 3 pages; page 4 is clamped to the last
    assert pages[-1] == pages[2] and "Page 3 of 3" in str(last[1])
    assert period_containing("week", date(2026, 11, 26)) == WEEK
