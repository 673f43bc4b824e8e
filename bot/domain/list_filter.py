"""What ``/duban list`` shows: filter words (zh and en, in any order) in, one ``ListFilter`` out, and
the query the database answers (pure: the clock's ``today`` and the actor's clearance are passed in).

Words combine: ``/duban list overdue unit 发展改革科``, ``/duban 列表 在办 来源 批示 本月 "防汛"``.

=================  ====================================================  ==========================
what               words                                                 meaning
=================  ====================================================  ==========================
whose              mine 我的 · all 全部 · <@U> / @name                    default: mine, or all when
                                                                         another filter is given
overdue            overdue 逾期 超期                                      open and past its deadline
state              open 在办 · done 办结 · state/状态 <state>              open, finished, or one state
unit               unit/单位/部门 <name>                                  the lead owner's department
source             source/来源 <source>                                   立项来源 (as in assign)
confidential       confidential 机密 涉密                                 confidential items only
word in the title  title/标题/关键词 <word>, or any "quoted text"           all words must appear
period             week 本周 · month 本月 · quarter 本季度 · year 本年 ·    deadline within the period
                   2026 · 2026-11
=================  ====================================================  ==========================
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from bot.domain.errors import ParseError
from bot.domain.items import SOURCE_ALIASES, SourceKind
from bot.domain.lifecycle import OPEN_STATES, State
from bot.domain.periods import PeriodKind, period_containing

Whose = Literal["mine", "all", "user"]
PAGE_SIZE = 30
MAX_WORD = 50

SCOPE_WORDS: dict[str, Whose] = {"mine": "mine", "my": "mine", "我的": "mine", "all": "all", "全部": "all"}
OVERDUE_WORDS = frozenset({"overdue", "逾期", "超期"})
CONFIDENTIAL_WORDS = frozenset({"confidential", "机密", "涉密", "保密"})
STATE_GROUPS: dict[str, str] = {
    "open": "open",
    "在办": "open",
    "未办结": "open",
    "done": "done",
    "finished": "done",
    "办结": "done",
    "已办结": "done",
}
STATE_LABELS: dict[str, str] = {
    "已登记": State.REGISTERED,
    "拟办": State.PENDING_APPROVAL,
    "已交办": State.ISSUED,
    "办理中": State.IN_PROGRESS,
    "已反馈": State.REPORTED,
    "审核中": State.UNDER_REVIEW,
    "退回": State.RETURNED,
    "已完成": State.COMPLETED,
    "已归档": State.ARCHIVED,
    "未批准": State.REJECTED,
    "已签收": State.ACKNOWLEDGED,
    "已关闭": State.CLOSED,
    **{s.value: s.value for s in State},
}
KEYED: dict[str, str] = {  # keyword -> the field its value fills
    "state": "state",
    "状态": "state",
    "unit": "unit",
    "dept": "unit",
    "单位": "unit",
    "部门": "unit",
    "source": "source",
    "来源": "source",
    "title": "word",
    "word": "word",
    "标题": "word",
    "关键词": "word",
}
PERIOD_WORDS: dict[str, PeriodKind] = {
    "week": PeriodKind.WEEK,
    "本周": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
    "本月": PeriodKind.MONTH,
    "quarter": PeriodKind.QUARTER,
    "本季度": PeriodKind.QUARTER,
    "本季": PeriodKind.QUARTER,
    "year": PeriodKind.YEAR,
    "本年": PeriodKind.YEAR,
    "今年": PeriodKind.YEAR,
}
_YEAR_RE = re.compile(r"(20[0-9]{2})")
_MONTH_RE = re.compile(r"(20[0-9]{2})-(0?[1-9]|1[0-2])")
DONE_STATES = frozenset({State.COMPLETED, State.ARCHIVED, State.CLOSED, State.REJECTED})


@dataclass(frozen=True, slots=True)
class ListFilter:
    """The filters of one list; ``words`` lower-cased, in the order typed."""

    whose: Whose | None = None  # None: mine, or all when another filter is given
    overdue: bool = False
    state: str | None = None  # "open", "done" or a State value
    unit: str | None = None
    source: SourceKind | None = None
    confidential: bool = False
    words: tuple[str, ...] = ()
    period: PeriodKind | None = None  # the one containing today
    year: int | None = None
    month: int | None = None  # with year

    def narrowing(self) -> bool:
        """Any filter beyond whose items (such a list defaults to everything the reader may see)."""
        return self != ListFilter(whose=self.whose)

    def effective_whose(self) -> Whose:
        return self.whose or ("all" if self.narrowing() else "mine")


@dataclass(frozen=True, slots=True)
class ItemQuery:
    """What the database is asked: every field narrows; ``viewer`` None sees confidential items too."""

    viewer: str | None
    involving: str | None = None  # assigner or owner
    owner_id: str | None = None
    states: frozenset[str] | None = None
    overdue_on: date | None = None  # open and current_due < this day
    unit: str | None = None
    source: str | None = None
    confidential_only: bool = False
    words: tuple[str, ...] = ()
    due_from: date | None = None
    due_to: date | None = None
    offset: int = 0
    limit: int = PAGE_SIZE


def to_query(
    f: ListFilter, *, actor_id: str, overseer: bool, today: date, subject_id: str | None, offset: int = 0
) -> ItemQuery:
    """The database question for ``f`` asked by ``actor_id``. Non-overseers asking for "all" see the
    items they take part in; confidential items only when cleared or taking part (``viewer``)."""
    whose = f.effective_whose()
    query = ItemQuery(viewer=None if overseer else actor_id, offset=max(0, offset))
    if whose == "mine" or (whose == "all" and not overseer):
        query = replace(query, involving=actor_id)
    elif whose == "user" and subject_id:
        query = replace(query, owner_id=subject_id)
    if f.state == "open":
        query = replace(query, states=frozenset(s.value for s in OPEN_STATES))
    elif f.state == "done":
        query = replace(query, states=frozenset(s.value for s in DONE_STATES))
    elif f.state:
        query = replace(query, states=frozenset({f.state}))
    if f.overdue:
        query = replace(query, overdue_on=today)
    due_from, due_to = period_bounds(f, today)
    return replace(
        query,
        unit=f.unit,
        source=f.source.value if f.source else None,
        confidential_only=f.confidential,
        words=f.words,
        due_from=due_from,
        due_to=due_to,
    )


def period_bounds(f: ListFilter, today: date) -> tuple[date | None, date | None]:
    if f.period is not None:
        period = period_containing(f.period, today)
        return period.start, period.end
    if f.year is not None and f.month is not None:
        month = period_containing(PeriodKind.MONTH, date(f.year, f.month, 1))
        return month.start, month.end
    if f.year is not None:
        return date(f.year, 1, 1), date(f.year, 12, 31)
    return None, None


# -- parsing -----------------------------------------------------------------------------------------


@dataclass
class _Builder:
    values: dict[str, object] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)

    def set(self, name: str, value: object, typed: str) -> None:
        if name in self.values and self.values[name] != value:
            raise ParseError("list_filter_twice", text=typed)
        self.values[name] = value


def parse_list_words(pieces: list[tuple[str, str, bool]], mention: object | None = None) -> ListFilter:
    """``pieces``: (normalised word, as typed, quoted) after ``list``; ``mention`` a person already
    taken out by the caller (the grammar knows mentions). Raises ``ParseError``."""
    b = _Builder()
    if mention is not None:
        b.set("whose", "user", "@")
    i = 0
    while i < len(pieces):
        norm, typed, quoted = pieces[i]
        i += 1
        if quoted:
            b.words.append(_word(typed))
            continue
        key, _, inline = norm.partition(":")
        if inline and key in KEYED:
            _keyed(b, KEYED[key], inline, typed)
            continue
        if norm in KEYED:
            if i >= len(pieces):
                raise ParseError("list_filter_value", word=typed)
            value = pieces[i][1]
            i += 1
            _keyed(b, KEYED[norm], value, typed)
        elif norm in SCOPE_WORDS:
            b.set("whose", SCOPE_WORDS[norm], typed)
        elif norm in OVERDUE_WORDS:
            b.set("overdue", True, typed)
        elif norm in CONFIDENTIAL_WORDS:
            b.set("confidential", True, typed)
        elif norm in STATE_GROUPS:
            b.set("state", STATE_GROUPS[norm], typed)
        elif norm in PERIOD_WORDS:
            b.set("period", PERIOD_WORDS[norm], typed)
        elif _MONTH_RE.fullmatch(norm):
            m = _MONTH_RE.fullmatch(norm)
            assert m is not None
            b.set("year", int(m.group(1)), typed)
            b.set("month", int(m.group(2)), typed)
        elif _YEAR_RE.fullmatch(norm):
            b.set("year", int(norm), typed)
        else:
            raise ParseError("bad_list_filter", text=typed[:40])
    if ("year" in b.values or "month" in b.values) and "period" in b.values:
        raise ParseError("list_filter_twice", text=str(b.values["year"]))
    return ListFilter(
        whose=b.values.get("whose"),  # type: ignore[arg-type]
        overdue=bool(b.values.get("overdue", False)),
        state=b.values.get("state"),  # type: ignore[arg-type]
        unit=b.values.get("unit"),  # type: ignore[arg-type]
        source=b.values.get("source"),  # type: ignore[arg-type]
        confidential=bool(b.values.get("confidential", False)),
        words=tuple(dict.fromkeys(b.words)),
        period=b.values.get("period"),  # type: ignore[arg-type]
        year=b.values.get("year"),  # type: ignore[arg-type]
        month=b.values.get("month"),  # type: ignore[arg-type]
    )


def _word(text: str) -> str:
    word = " ".join(text.split()).lower()
    if not word:
        raise ParseError("list_filter_value", word='""')
    return word[:MAX_WORD]


def _keyed(b: _Builder, name: str, value: str, typed: str) -> None:
    value = value.strip()
    if not value:
        raise ParseError("list_filter_value", word=typed)
    if name == "word":
        b.words.append(_word(value))
    elif name == "unit":
        b.set("unit", " ".join(value.split())[:200], typed)
    elif name == "source":
        source = SOURCE_ALIASES.get(value.lower())
        if source is None:
            raise ParseError("unknown_source", source=value, choices=", ".join(k.value for k in SourceKind))
        b.set("source", source, typed)
    else:
        state = STATE_GROUPS.get(value.lower()) or STATE_LABELS.get(value.lower())
        if state is None:
            raise ParseError("bad_list_state", text=value[:40], choices=", ".join(s.value for s in State))
        b.set("state", str(state), typed)


# -- the filter as words again (the "next 30" button, the heading) -----------------------------------

_EN_PERIOD = {kind: kind.value for kind in PeriodKind}
_ZH_PERIOD = {
    PeriodKind.WEEK: "本周",
    PeriodKind.MONTH: "本月",
    PeriodKind.QUARTER: "本季度",
    PeriodKind.YEAR: "本年",
}


def filter_words(f: ListFilter, locale: str = "en", user_word: str | None = None) -> str:
    """``f`` as words ``parse_list_words`` reads back into ``f`` (in either language)."""
    return " ".join(filter_clauses(f, locale, user_word))


def filter_clauses(f: ListFilter, locale: str = "en", user_word: str | None = None) -> list[str]:
    """One clause per filter (a keyword with its value); their order does not matter."""
    zh = locale == "zh"
    out: list[str] = []
    if f.whose == "user":
        out.append(user_word or "")
    elif f.whose is not None:
        out.append({"mine": "我的", "all": "全部"}[f.whose] if zh else f.whose)
    if f.overdue:
        out.append("逾期" if zh else "overdue")
    if f.state is not None:
        if f.state in ("open", "done"):
            out.append(({"open": "在办", "done": "办结"}[f.state]) if zh else f.state)
        else:
            out.append(("状态 " if zh else "state ") + f.state)
    if f.unit is not None:
        out.append(("单位 " if zh else "unit ") + _quoted(f.unit))
    if f.source is not None:
        out.append(("来源 " if zh else "source ") + f.source.value)
    if f.confidential:
        out.append("机密" if zh else "confidential")
    out.extend(_quoted(w, always=True) for w in f.words)
    if f.period is not None:
        out.append((_ZH_PERIOD if zh else _EN_PERIOD)[f.period])
    if f.year is not None:
        out.append(f"{f.year}-{f.month:02d}" if f.month else str(f.year))
    return [w for w in out if w]


def _quoted(text: str, *, always: bool = False) -> str:
    if always or any(ch.isspace() for ch in text) or '"' in text:
        return '"' + text.replace('"', "'") + '"'
    return text


def next_offset(offset: int, shown: int, total: int) -> int | None:
    """Where the next page starts, or None on the last page."""
    after = offset + shown
    return after if shown and after < total else None
