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

from collections.abc import Callable
from typing import TypeAlias

from bot.domain import command_words as words
from bot.domain import correction_syntax as corrections
from bot.domain import holiday_syntax
from bot.domain.admin_commands import ADMIN_HANDLERS
from bot.domain.command_pieces import _date_value, _is_keyword, _is_separator, _item_ref, _mentions, _option
from bot.domain.commands import (
    Archive,
    Assign,
    Bulletin,
    Call,
    Command,
    Export,
    Extend,
    Help,
    Instruct,
    Language,
    ListItems,
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
from bot.domain.due_dates import normalise
from bot.domain.errors import ParseError
from bot.domain.items import (
    REQUIREMENTS_MAX,
    TITLE_MAX,
    ItemRef,
    SourceKind,
    parse_source,
)
from bot.domain.list_filter import ListFilter, parse_list_words
from bot.domain.settings_command import SETTINGS_HANDLERS

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
        if option.kind in seen and option.kind not in words.FLAGS:
            raise ParseError("duplicate_option", option=option.keyword)
        seen.add(option.kind)
        if option.kind in words.FLAGS:
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
    return Help(words.SUBCOMMANDS.get(topic, topic))


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
        if token.norm in words.POST_WORDS and not post:
            post = True
        elif token.norm in words.PERIODS and period is None:
            period = words.PERIODS[token.norm]
        elif token.norm in words.POST_WORDS or token.norm in words.PERIODS:
            raise ParseError("unexpected_text", text=_excerpt(p.rest()))
        else:
            raise ParseError("bad_period", text=_excerpt(_unescape(token.text)))
        p.take()
    return Bulletin(period or "week", post)


def _export(p: _Parser, word: str) -> Export:
    token = p.take()
    if token is None:
        return Export(None)
    period = words.PERIODS.get(token.norm)
    if period is None:
        raise ParseError("bad_period", text=_excerpt(_unescape(token.text)))
    p.done()
    return Export(period)


def _language(p: _Parser, word: str) -> Language:
    token = p.take()
    locale = words.LOCALES.get(token.norm) if token is not None else None
    if locale is None:
        raise ParseError("bad_locale", text=_excerpt(_unescape(token.text)) if token else "")
    p.done()
    return Language(locale)


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
    "holiday": holiday_syntax.parse_holiday,
    **corrections.HANDLERS,
}


# Administration (roles, departments) lives in its own module.
_HANDLERS.update(ADMIN_HANDLERS)
# A person's own settings (quiet hours) too.
_HANDLERS.update(SETTINGS_HANDLERS)


def parse_command(text: str) -> Command:
    """Parse the text after ``/duban``; raises ``ParseError`` (a ``DomainError``) on bad input."""
    parser = _Parser(text)
    if not parser.tokens:
        return Help(None)
    first = parser.tokens[0]
    name = words.SUBCOMMANDS.get(first.norm) if not first.quoted else None
    if name is None:
        raise ParseError("unknown_subcommand", word=_excerpt(_unescape(first.text)))
    return _HANDLERS[name](parser, first.text)  # type: ignore[operator]
