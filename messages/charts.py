"""The bulletin chart (PNG): per-department stacked bars and the on-time trend, drawn with matplotlib.

matplotlib is imported lazily and only its Agg canvas is used (no GUI, no global backend switch).
Chinese labels need a CJK font; if the machine has none, the chart is drawn in English (English
department names too) rather than with tofu boxes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from functools import cache

from bot.domain.periods import Period
from bot.domain.statistics import NO_DEPARTMENT, Figures, TrendPoint
from messages.bulletin_labels import kind_label, period_label
from messages.i18n import tp

CJK_FONT_HINTS = (
    "Noto Sans CJK",
    "Noto Sans SC",
    "Noto Serif CJK",
    "Source Han Sans",
    "WenQuanYi",
    "Microsoft YaHei",
    "SimHei",
    "PingFang",
    "Heiti",
)
MAX_DEPARTMENTS = 15
COLOURS = {"on_time": "#2e7d32", "late": "#f9a825", "overdue": "#c62828", "open": "#90a4ae"}


@cache
def cjk_font() -> str | None:
    """The family name of an installed CJK font, or None."""
    from matplotlib import font_manager

    def known() -> str | None:
        for entry in font_manager.fontManager.ttflist:
            if any(hint.lower() in entry.name.lower() for hint in CJK_FONT_HINTS):
                return str(entry.name)
        return None

    if found := known():
        return found
    # A font installed after matplotlib built its cache (e.g. by `make demo`) is not in the cache yet.
    for path in font_manager.findSystemFonts():
        if any(mark in path.lower() for mark in ("wqy", "cjk", "simhei", "droidsansfallback")):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    return known()


def chart_locale(locale: str) -> str:
    """The language the chart can actually be drawn in on this machine."""
    return locale if locale != "zh" or cjk_font() else "en"


def bulletin_chart(
    departments: Mapping[str, Figures],
    names: Mapping[str, tuple[str, str]],
    trend: Sequence[TrendPoint],
    *,
    locale: str,
    period: Period,
) -> bytes:
    """A PNG: stacked bars (on time / late / overdue / open) per department, and the trend line."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    loc = chart_locale(locale)
    font = cjk_font() if loc == "zh" else None
    rc_family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]

    ranked = sorted(departments.items(), key=lambda kv: (-kv[1].active, kv[0]))[:MAX_DEPARTMENTS]
    labels = [_name(key, names, loc) for key, _ in ranked]
    series = {
        "on_time": [f.completed_on_time for _, f in ranked],
        "late": [f.completed_late for _, f in ranked],
        "overdue": [f.overdue for _, f in ranked],
        "open": [f.open - f.overdue for _, f in ranked],
    }

    figure = Figure(figsize=(10, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    bars, line = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    for axis in (bars, line):
        for text in (axis.title, axis.xaxis.label, axis.yaxis.label):
            text.set_family(rc_family)
    positions = list(range(len(labels)))
    bottom = [0] * len(labels)
    for key, values in series.items():
        bars.bar(positions, values, bottom=bottom, color=COLOURS[key], label=tp(loc, f"chart.{key}"))
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    bars.set_xticks(positions, labels, rotation=30, ha="right", fontsize=8, family=rc_family)
    bars.set_title(tp(loc, "chart.departments"))
    bars.set_ylabel(tp(loc, "chart.items"))
    bars.yaxis.get_major_locator().set_params(integer=True)
    bars.legend(fontsize=8, prop={"family": rc_family, "size": 8})

    keys = [p.period.key for p in trend]
    current = [_pct(p.on_time_rate) for p in trend]
    original = [_pct(p.on_time_rate_original) for p in trend]
    line.plot(keys, current, marker="o", color="#1565c0", label=tp(loc, "chart.rate_current"))
    line.plot(
        keys, original, marker="s", linestyle="--", color="#6d4c41", label=tp(loc, "chart.rate_original")
    )
    line.set_ylim(0, 105)
    line.set_title(tp(loc, "chart.trend"))
    line.set_ylabel(tp(loc, "chart.rate"))
    line.tick_params(axis="x", labelrotation=30, labelsize=8)
    line.legend(fontsize=8, prop={"family": rc_family, "size": 8})
    title = tp(
        loc, "bulletin.header", kind=kind_label(period.kind.value, loc), period=period_label(period, loc)
    )
    figure.suptitle(title, family=rc_family)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _name(key: str, names: Mapping[str, tuple[str, str]], locale: str) -> str:
    if key == NO_DEPARTMENT or key not in names:
        return tp(locale, "chart.no_department") if key == NO_DEPARTMENT else key
    zh, en = names[key]
    name = en if locale == "en" else zh
    return name if len(name) <= 18 else name[:17] + "…"


def _pct(value: float | None) -> float:
    return float("nan") if value is None else round(value * 100, 1)
