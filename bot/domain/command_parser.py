"""The ``/duban`` slash-command grammar: text in, one frozen ``Command`` dataclass out.

The input is what Slack sends with "escape users" on: mentions arrive as ``<@U0123ABC>`` or
``<@U0123ABC|wang>``, and a literal ``&``, ``<``, ``>`` typed by the user as ``&amp;``, ``&lt;``,
``&gt;``. Free text taken from the command (titles, requirements, notes, reasons, raw dates) is
returned *unescaped*; real Slack constructs such as ``<@U2>`` inside it are kept verbatim.

Tokens are separated by any Unicode whitespace (including the full-width space U+3000). A token
that starts with a quote (``"…"``, ``“…”``, ``'…'``, ``‘…’``, ``「…」``, ``『…』``) and whose closing
quote is followed by whitespace or the end is one token, never read as a keyword. Keywords are
compared after NFKC and lower-casing, so ``ＤＵＥ`` and ``截止：`` work; ``截止：12-05`` also does.
Nothing here knows today's date: deadlines stay raw text for the service to parse.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal, TypeAlias

from bot.domain import correction_syntax as corrections
from bot.domain.admin_commands import ADMIN_HANDLERS, ADMIN_SUBCOMMANDS
from bot.domain.commands import (
    Archive,
    Assign,
    Bulletin,
    Call,
    Command,
    Export,
    Extend,
    Help,
    Holiday,
    Instruct,
    Language,
    ListItems,
    ListScope,
    Meeting,
    New,
    Period,
    Report,
    Review,
    Show,
    Urge,
    UserRef,
    _excerpt,
    _Parser,
    _Token,
    _unescape,
)
from bot.domain.due_dates import is_month_name, normalise, parse_full_date
from bot.domain.errors import ParseError
from bot.domain.items import (
    REQUIREMENTS_MAX,
    TITLE_MAX,
    ItemRef,
    SourceKind,
    parse_item_ref,
    parse_source,
)
from bot.domain.list_filter import ListFilter, parse_list_words

# -- vocabulary ---------------------------------------------------------------------------------

SUBCOMMANDS: dict[str, str] = {
    "help": "help",
    "帮助": "help",
    "?": "help",
    "assign": "assign",
    "交办": "assign",
    "new": "new",
    "新建": "new",
    "list": "list",
    "ls": "list",
    "列表": "list",
    "show": "show",
    "查看": "show",
    "report": "report",
    "报告": "report",
    "反馈": "report",
    "review": "review",
    "审核": "review",
    "call": "call",
    "电话": "call",
    "记录催办": "call",
    "meeting": "meeting",
    "协调会": "meeting",
    "召开协调会": "meeting",
    "archive": "archive",
    "归档": "archive",
    "urge": "urge",
    "催办": "urge",
    "extend": "extend",
    "延期": "extend",
    "instruct": "instruct",
    "批示": "instruct",
    "bulletin": "bulletin",
    "通报": "bulletin",
    "export": "export",
    "导出": "export",
    "lang": "lang",
    "language": "lang",
    "语言": "lang",
    "holiday": "holiday",
    "holidays": "holiday",
    "节假日": "holiday",
    **corrections.SUBCOMMANDS,  # withdraw / edit / reassign (撤销 / 修改 / 改派)
}

# Option keywords of ``assign`` -> option kind.
OPTION_KEYWORDS: dict[str, str] = {
    "due": "due",
    "截止": "due",
    "期限": "due",
    "截止日期": "due",
    "截止时间": "due",
    "source": "source",
    "来源": "source",
    "every": "cadence",
    "频次": "cadence",
    "频率": "cadence",
    "parent": "parent",
    "上级": "parent",
    "req": "req",
    "requirements": "req",
    "要求": "req",
    "confidential": "confidential",
    "保密": "confidential",
    "机密": "confidential",
    "fyi": "fyi",
    "转办": "fyi",
    "知悉": "fyi",
    "urgent": "urgent",
    "紧急": "urgent",
    "加急": "urgent",
    # Register fields (登记要素, bot.domain.register).
    "received": "received",
    "收文": "received",
    "收文日期": "received",
    "收文时间": "received",
    "docno": "doc_number",
    "文号": "doc_number",
    "basis": "basis",
    "依据": "basis",
    "立项依据": "basis",
}
_FLAGS = frozenset({"confidential", "fyi", "urgent"})

# A single token such as 每周一, 每天, 每2个工作日, 每月15日, 每季度末 is a cadence on its own.
CADENCE_TOKEN_RE = re.compile(
    r"每隔?[0-9一二两三四五六七八九十半]*个?(?:工作日|天|日|周|星期|礼拜|月|季度|季|年|旬)"
    r"[0-9一二三四五六七日天周星期初中下末底号、,至到~-]*"
)

_LIST_SCOPES: dict[str, ListScope] = {
    "mine": "mine",
    "my": "mine",
    "我的": "mine",
    "overdue": "overdue",
    "逾期": "overdue",
    "超期": "overdue",
    "all": "all",
    "全部": "all",
}
_PERIODS: dict[str, Period] = {
    "week": "week",
    "weekly": "week",
    "周": "week",
    "本周": "week",
    "month": "month",
    "monthly": "month",
    "月": "month",
    "本月": "month",
    "quarter": "quarter",
    "quarterly": "quarter",
    "季": "quarter",
    "季度": "quarter",
    "本季度": "quarter",
    "year": "year",
    "yearly": "year",
    "annual": "year",
    "年": "year",
    "年度": "year",
    "本年": "year",
}
_POST_WORDS = frozenset({"post", "publish", "发布"})
_LOCALES: dict[str, Literal["zh", "en"]] = {
    "zh": "zh",
    "zh-cn": "zh",
    "cn": "zh",
    "chinese": "zh",
    "中文": "zh",
    "汉语": "zh",
    "en": "en",
    "en-us": "en",
    "english": "en",
    "英文": "en",
    "英语": "en",
}
_HOLIDAY_OFF = frozenset({"off", "休", "休息", "放假"})
_HOLIDAY_WORK = frozenset({"work", "班", "上班", "补班"})
_HOLIDAY_CONFIRM = frozenset({"confirm", "确认"})
_HOLIDAY_LIST = frozenset({"list", "列表"})
_HOLIDAY_CLEAR = frozenset({"clear", "删除", "清除"})

_SEPARATORS = ",，、;；"
_MENTION_PIECE_RE = re.compile(r"<@([A-Za-z0-9]+)(?:\|[^<>]*)?>|<[#!][^<>]*>|[@＠]([^\s<>@＠,，、;；]+)")


# -- pieces -------------------------------------------------------------------------------------


def _mentions(token: _Token) -> list[UserRef] | None:
    """The people in a token made only of mentions (``<@U1>``, ``<@U1|wang>``, ``@wang``, glued or
    separated by ``,``/``、``); channel refs ``<#C1|x>`` in it are ignored. ``None`` otherwise."""
    if token.quoted:
        return None
    text, pos, refs = token.text, 0, []
    while pos < len(text):
        match = _MENTION_PIECE_RE.match(text, pos)
        if match is None:
            return None
        if match.group(1):
            refs.append(UserRef(user_id=match.group(1)))
        elif match.group(2):
            refs.append(UserRef(name=match.group(2)))
        pos = match.end()
        while pos < len(text) and text[pos] in _SEPARATORS:
            pos += 1
    return refs


def _is_separator(token: _Token) -> bool:
    return not token.quoted and all(ch in _SEPARATORS for ch in token.text)


def _item_ref(token: _Token | None, command: str, word: str) -> ItemRef:
    if token is None:
        raise ParseError("missing_item_ref", command=command, word=word)
    try:
        return parse_item_ref(normalise(token.text).lstrip("#"))
    except ParseError:
        raise ParseError("bad_item_ref", text=token.text) from None


@dataclass(frozen=True, slots=True)
class _Option:
    kind: str
    keyword: str  # as typed, for error messages
    inline: str | None  # the value glued with a colon (截止：12-05), raw
    inline_start: int  # offset of the inline value in the command text
    implicit: bool = False  # a 每… cadence token


def _option(token: _Token) -> _Option | None:
    if token.quoted:
        return None
    norm = token.norm
    kind = OPTION_KEYWORDS.get(norm.rstrip(":"))
    if kind is not None:
        return _Option(kind, token.text.rstrip(":："), None, token.end)
    if ":" in norm:
        head = norm.partition(":")[0]
        kind = OPTION_KEYWORDS.get(head)
        # The colon as typed (":", "：", "﹕"); None if it only appeared through NFKC expansion ("⩴").
        cut = next((k for k, ch in enumerate(token.text) if unicodedata.normalize("NFKC", ch) == ":"), None)
        if kind is not None and kind not in _FLAGS and cut is not None:
            return _Option(kind, token.text[:cut], token.text[cut + 1 :], token.start + cut + 1)
    if CADENCE_TOKEN_RE.fullmatch(norm):
        return _Option("cadence", token.text, token.text, token.start, implicit=True)
    return None


def _is_keyword(token: _Token) -> bool:
    """An explicit option keyword (a 每… cadence does not end the value of ``every``)."""
    option = _option(token)
    return option is not None and not option.implicit


_DUE_NUMBER_RE = re.compile(r"\+?[0-9]{1,12}")
_DUE_UNIT_RE = re.compile(r"wd|d|w|days?|weeks?|months?|workdays?|天|周|个月|个?星期|个?礼拜|个?工作日")
_DUE_WEEKDAY_RE = re.compile(r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)|[a-z]+day")


_DUE_DAY_RE = re.compile(r"[0-9]{1,2}(?:st|nd|rd|th)?,?")
_DUE_YEAR_RE = re.compile(r"[0-9]{4}")


def _date_value(p: _Parser, first: str) -> str:
    """One date token, or the few that only make sense together (``next fri``, ``3 wd``,
    ``Dec 31``, ``31 Dec``, ``December 31, 2027``)."""
    following = p.peek()
    if following is None or following.quoted:
        return first
    head, tail = normalise(first), following.norm
    if (_DUE_NUMBER_RE.fullmatch(head) and _DUE_UNIT_RE.fullmatch(tail)) or (
        head in ("next", "this") and _DUE_WEEKDAY_RE.fullmatch(tail)
    ):
        p.take()
        return f"{first} {following.text}"
    if (is_month_name(head) and _DUE_DAY_RE.fullmatch(tail)) or (
        _DUE_DAY_RE.fullmatch(head) and is_month_name(tail)
    ):
        p.take()
        value = f"{first} {following.text}"
        year = p.peek()
        if year is not None and not year.quoted and _DUE_YEAR_RE.fullmatch(year.norm):
            p.take()
            value = f"{value} {year.text}"
        return value
    return first


# -- subcommands --------------------------------------------------------------------------------


def _assign(p: _Parser, word: str) -> Assign:
    p.strict_quotes = True
    owners: list[UserRef] = []
    while (token := p.peek()) is not None:
        refs = _mentions(token)
        if refs is None:
            following = p.tokens[p.i + 1] if p.i + 1 < len(p.tokens) else None
            if not (_is_separator(token) and following is not None and _mentions(following)):
                break
            refs = []
        owners.extend(refs)
        p.take()
    if not owners:
        raise ParseError("missing_lead")
    seen_owners: set[tuple[str, str]] = set()
    for ref in owners:
        key = ("id", ref.user_id) if ref.user_id is not None else ("name", (ref.name or "").casefold())
        if key in seen_owners:
            raise ParseError("duplicate_owner", name=str(ref))
        seen_owners.add(key)

    title_tokens: list[_Token] = []
    while (token := p.peek()) is not None:
        option = _option(token)
        # A 每… word opening the title is part of it (每周例会), not a cadence.
        if option is not None and (title_tokens or not option.implicit):
            break
        title_tokens.append(token)
        p.take()
    title = " ".join(_unescape(" ".join(t.text for t in title_tokens)).split())
    if not title:
        raise ParseError("empty_title")
    if len(title) > TITLE_MAX:
        raise ParseError("title_too_long", length=len(title), max=TITLE_MAX)

    due: str | None = None
    source: SourceKind | None = None
    cadence: str | None = None
    parent: ItemRef | None = None
    requirements: str | None = None
    received: str | None = None
    doc_number: str | None = None
    basis: str | None = None
    seen: set[str] = set()
    while (token := p.peek()) is not None:
        option = _option(token)
        if option is None:
            raise ParseError("unexpected_text", text=_excerpt(p.rest()))
        p.take()
        if option.kind in seen and option.kind not in _FLAGS:
            raise ParseError("duplicate_option", option=option.keyword)
        seen.add(option.kind)
        if option.kind in _FLAGS:
            continue
        inline = option.inline.strip() if option.inline else None
        if option.kind == "req":
            requirements = p.rest(option.inline_start)
            if not requirements:
                raise ParseError("missing_value", option=option.keyword, command="assign")
            if len(requirements) > REQUIREMENTS_MAX:
                raise ParseError("requirements_too_long", length=len(requirements), max=REQUIREMENTS_MAX)
            break
        if option.kind in ("cadence", "basis"):
            parts = [inline] if inline else []
            if not option.implicit:
                while (following := p.peek()) is not None and not _is_keyword(following):
                    parts.append(following.text)
                    p.take()
            if not parts:
                raise ParseError("missing_value", option=option.keyword, command="assign")
            if option.kind == "basis":
                basis = _unescape(" ".join(parts))
            else:
                cadence = _unescape(" ".join(parts))
            continue
        if inline is None:
            following = p.peek()
            if following is None or _option(following) is not None:
                raise ParseError("missing_value", option=option.keyword, command="assign")
            inline = following.text
            p.take()
        if option.kind == "due":
            due = _unescape(_date_value(p, inline))
        elif option.kind == "received":
            received = _unescape(_date_value(p, inline))
        elif option.kind == "doc_number":
            doc_number = _unescape(inline)
        elif option.kind == "source":
            source = parse_source(normalise(inline))
        else:  # parent
            parent = _item_ref(_Token(inline, 0, 0, False), "assign", word)

    return Assign(
        lead=owners[0],
        co=tuple(owners[1:]),
        title=title,
        due=due,
        source=source,
        confidential="confidential" in seen,
        fyi="fyi" in seen,
        urgent="urgent" in seen,
        cadence=cadence,
        parent=parent,
        requirements=requirements,
        received=received,
        doc_number=doc_number,
        basis=basis,
    )


def _help(p: _Parser, word: str) -> Help:
    token = p.peek()
    if token is None:
        return Help(None)
    topic = token.norm or normalise(token.text)
    return Help(SUBCOMMANDS.get(topic, topic))


def _new(p: _Parser, word: str) -> New:
    p.done()
    return New()


def _list(p: _Parser, word: str) -> ListItems:
    """``list`` then filter words in any order (see bot.domain.list_filter); one person at most."""
    user: UserRef | None = None
    pieces: list[tuple[str, str, bool]] = []
    while (token := p.take()) is not None:
        refs = _mentions(token)
        if refs:
            if len(refs) > 1 or user is not None:
                raise ParseError("bad_list_filter", text=_excerpt(_unescape(token.text)))
            user = refs[0]
            continue
        pieces.append((token.norm, _unescape(token.text), token.quoted))
    return list_items(parse_list_words(pieces, mention=user), user)


def list_items(f: ListFilter, user: UserRef | None = None) -> ListItems:
    """The command for filter ``f``; its scope names the heading (a bare ``overdue`` keeps its own)."""
    whose = f.effective_whose()
    if whose == "user":
        return ListItems("user", user, f)
    if f == ListFilter(overdue=True):
        return ListItems("overdue", None, f)
    if f in (ListFilter(), ListFilter(whose="mine")):
        return ListItems("mine", None, f)
    if f == ListFilter(whose="all"):
        return ListItems("all", None, f)
    return ListItems("all" if whose == "all" else "mine", None, f)


_RefCommand: TypeAlias = Show | Report | Review | Call | Archive


def _single_ref(cls: type[_RefCommand], command: str) -> Callable[[_Parser, str], _RefCommand]:
    def parse(p: _Parser, word: str) -> _RefCommand:
        ref = _item_ref(p.take(), command, word)
        p.done()
        return cls(ref)

    return parse


def _urge(p: _Parser, word: str) -> Urge:
    ref = _item_ref(p.take(), "urge", word)
    return Urge(ref, p.rest() or None)


def _extend(p: _Parser, word: str) -> Extend:
    ref = _item_ref(p.take(), "extend", word)
    token = p.take()
    if token is None:
        raise ParseError("missing_value", option="date", command="extend")
    due = _unescape(_date_value(p, token.text))
    reason = p.rest()
    if not reason:
        raise ParseError("missing_value", option="reason", command="extend")
    return Extend(ref, due, reason)


def _instruct(p: _Parser, word: str) -> Instruct:
    ref = _item_ref(p.take(), "instruct", word)
    text = p.rest()
    if not text:
        raise ParseError("missing_value", option="text", command="instruct")
    return Instruct(ref, text)


def _bulletin(p: _Parser, word: str) -> Bulletin:
    period: Period | None = None
    post = False
    while (token := p.peek()) is not None:
        if token.norm in _POST_WORDS and not post:
            post = True
        elif token.norm in _PERIODS and period is None:
            period = _PERIODS[token.norm]
        elif token.norm in _POST_WORDS or token.norm in _PERIODS:
            raise ParseError("unexpected_text", text=_excerpt(p.rest()))
        else:
            raise ParseError("bad_period", text=_excerpt(_unescape(token.text)))
        p.take()
    return Bulletin(period or "week", post)


def _export(p: _Parser, word: str) -> Export:
    token = p.take()
    if token is None:
        return Export(None)
    period = _PERIODS.get(token.norm)
    if period is None:
        raise ParseError("bad_period", text=_excerpt(_unescape(token.text)))
    p.done()
    return Export(period)


def _language(p: _Parser, word: str) -> Language:
    token = p.take()
    locale = _LOCALES.get(token.norm) if token is not None else None
    if locale is None:
        raise ParseError("bad_locale", text=_excerpt(_unescape(token.text)) if token else "")
    p.done()
    return Language(locale)


_YEAR_RE = re.compile(r"[0-9]{4}")


def _year(token: _Token | None) -> int | None:
    if token is None or not _YEAR_RE.fullmatch(token.norm):
        return None
    year = int(token.norm)
    return year if 2000 <= year <= 2200 else None


# Most holidays last a week; a range longer than this is a typo (a wrong month or year).
HOLIDAY_RANGE_MAX_DAYS = 31
_RANGE_SEPARATORS = ("..", "~", "至", "到", "—")


def _holiday(p: _Parser, word: str) -> Holiday:
    args = p.tokens[1:]
    if not args:
        return Holiday("list")
    head = args[0].norm
    if head in _HOLIDAY_LIST:
        if len(args) == 1:
            return Holiday("list")
        if len(args) == 2 and (year := _year(args[1])) is not None:
            return Holiday("list", year=year)
    elif (year := _year(args[0])) is not None:
        if len(args) == 1:
            return Holiday("list", year=year)
        if len(args) == 2 and args[1].norm in _HOLIDAY_CONFIRM:
            return Holiday("confirm", year=year)
    elif head in _HOLIDAY_CLEAR:
        p.i = 3  # past the subcommand, the word and the first date
        days = _holiday_days(p, args[1]) if len(args) >= 2 else None
        if days is not None and p.peek() is None:
            return Holiday("clear", day=days[0], until=days[1])
    else:
        p.i = 2  # past the subcommand and the first date
        days = _holiday_days(p, args[0])
        mark_token = p.take()
        mark = mark_token.norm if mark_token else ""
        if days is not None and (mark in _HOLIDAY_OFF or mark in _HOLIDAY_WORK):
            return Holiday(
                "off" if mark in _HOLIDAY_OFF else "work", day=days[0], note=p.rest() or None, until=days[1]
            )
    raise ParseError("bad_holiday", text=_excerpt(p.rest(args[0].start)))


def _holiday_days(p: _Parser, token: _Token) -> tuple[date, date | None] | None:
    """One date, or a range written ``A..B``, ``A~B``, ``A至B`` or ``A 至 B`` (the end may omit the
    year: ``2027-02-06..02-12``). Consumes the tokens it used."""
    text = token.text
    following = p.peek()
    if following is not None and following.norm in _RANGE_SEPARATORS:
        end = p.tokens[p.i + 1] if p.i + 1 < len(p.tokens) else None
        if end is not None:
            text = f"{token.text}..{end.text}"
            p.i += 2
    normal = normalise(text)
    for separator in _RANGE_SEPARATORS:
        if separator in normal:
            first, _, last = normal.partition(separator)
            start = _holiday_date_text(first)
            if start is None:
                return None
            end_day = _holiday_date_text(last) or _holiday_date_text(f"{start.year}-{last}")
            if end_day is None or not start <= end_day:
                return None
            if (end_day - start).days >= HOLIDAY_RANGE_MAX_DAYS:
                days = (end_day - start).days + 1
                raise ParseError("holiday_range_too_long", days=days, max=HOLIDAY_RANGE_MAX_DAYS)
            return start, (end_day if end_day != start else None)
    day = _holiday_date_text(text)
    return (day, None) if day is not None else None


def _holiday_date_text(text: str) -> date | None:
    try:
        return parse_full_date(text)
    except ParseError:
        return None


_HANDLERS = {
    "help": _help,
    "assign": _assign,
    "new": _new,
    "list": _list,
    "show": _single_ref(Show, "show"),
    "report": _single_ref(Report, "report"),
    "review": _single_ref(Review, "review"),
    "call": _single_ref(Call, "call"),
    "meeting": _single_ref(Meeting, "meeting"),
    "archive": _single_ref(Archive, "archive"),
    "urge": _urge,
    "extend": _extend,
    "instruct": _instruct,
    "bulletin": _bulletin,
    "export": _export,
    "lang": _language,
    "holiday": _holiday,
    **corrections.HANDLERS,
}


# Administration (roles, departments) lives in its own module.
SUBCOMMANDS.update(ADMIN_SUBCOMMANDS)
_HANDLERS.update(ADMIN_HANDLERS)


def parse_command(text: str) -> Command:
    """Parse the text after ``/duban``; raises ``ParseError`` (a ``DomainError``) on bad input."""
    parser = _Parser(text)
    if not parser.tokens:
        return Help(None)
    first = parser.tokens[0]
    name = SUBCOMMANDS.get(first.norm) if not first.quoted else None
    if name is None:
        raise ParseError("unknown_subcommand", word=_excerpt(_unescape(first.text)))
    return _HANDLERS[name](parser, first.text)  # type: ignore[operator]
