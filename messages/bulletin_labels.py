"""The words bulletins, App Home and the charts share: period and kind labels, rates, item labels
(confidential items by number only), department names and the traffic lights."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from bot.domain.periods import Period, PeriodKind
from bot.domain.read_models import DepartmentName
from bot.domain.statistics import NO_DEPARTMENT, ItemSnapshot, Light
from messages.i18n import t, tp
from messages.text import Mrkdwn, escape, number

LIGHT_EMOJI = {
    Light.RED: ":red_circle:",
    Light.YELLOW: ":large_yellow_circle:",
    Light.GREEN: ":large_green_circle:",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def period_label(period: Period, locale: str) -> str:
    start, kind = period.start, period.kind
    if kind is PeriodKind.WEEK:
        year, week, _ = start.isocalendar()
        return tp(
            locale,
            "bulletin.period_week",
            year=year,
            week=week,
            start=_short_date(period.start, locale),
            end=_short_date(period.end, locale),
        )
    if kind is PeriodKind.MONTH:
        return tp(
            locale,
            "bulletin.period_month",
            year=start.year,
            month=start.month,
            month_name=_MONTHS[start.month - 1],
        )
    if kind is PeriodKind.QUARTER:
        return tp(locale, "bulletin.period_quarter", year=start.year, quarter=(start.month - 1) // 3 + 1)
    return tp(locale, "bulletin.period_year", year=start.year)


def kind_label(kind: str, locale: str) -> str:
    return tp(locale, f"bulletin.kind_{kind}")


def _short_date(day: date, locale: str) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]}" if locale == "en" else f"{day.month}月{day.day}日"


def percent(value: float | None, locale: str) -> str:
    return t(locale, "bulletin.no_rate") if value is None else f"{number(value * 100)}%"


def item_label(item: ItemSnapshot, locale: str, *, can_see_confidential: bool) -> str:
    """Number and title; a confidential item shows its number only unless the reader may see it."""
    if item.confidential and not can_see_confidential:
        return t(locale, "bulletin.confidential", number=item.number)
    title = (":lock: " if item.confidential else "") + escape(item.title)
    return t(locale, "bulletin.item_label", number=item.number, title=Mrkdwn(title))


def department_name(key: str, names: Mapping[str, DepartmentName], locale: str) -> str:
    if key == NO_DEPARTMENT or key not in names:
        return tp(locale, "bulletin.no_department") if key == NO_DEPARTMENT else key
    return names[key].get(locale)
