"""The ``/duban`` commands (one frozen dataclass each) and the tokenizer that splits command text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal, TypeAlias

from bot.domain.due_dates import normalise
from bot.domain.errors import ParseError
from bot.domain.items import ItemRef, SourceKind
from bot.domain.list_filter import ListFilter

# -- the commands -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person named in a command: a Slack user id (escaped mention) or a plain ``@name``."""

    user_id: str | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.name is None):
            raise ValueError("UserRef needs exactly one of user_id and name")

    def __str__(self) -> str:
        return f"<@{self.user_id}>" if self.user_id is not None else f"@{self.name}"


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Assign:
    lead: UserRef
    co: tuple[UserRef, ...]
    title: str
    due: str | None = None
    source: SourceKind | None = None
    confidential: bool = False
    fyi: bool = False
    urgent: bool = False
    cadence: str | None = None
    parent: ItemRef | None = None
    requirements: str | None = None
    received: str | None = None  # 收文日期 as typed (bot.domain.register.read_received)
    doc_number: str | None = None  # 文号
    basis: str | None = None  # 立项依据


@dataclass(frozen=True, slots=True)
class New:
    pass


ListScope = Literal["mine", "overdue", "all", "user"]


@dataclass(frozen=True, slots=True)
class ListItems:
    scope: ListScope = "mine"  # for the heading: mine, overdue (only that filter), all, user
    user: UserRef | None = None
    filter: ListFilter = field(default_factory=ListFilter)


@dataclass(frozen=True, slots=True)
class Show:
    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Report:
    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Review:
    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Call:
    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Meeting:
    """召开协调会: open the form that records a coordination meeting on the item."""

    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Archive:
    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Urge:
    ref: ItemRef
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Extend:
    ref: ItemRef
    due: str
    reason: str


@dataclass(frozen=True, slots=True)
class Instruct:
    ref: ItemRef
    text: str


Period = Literal["week", "month", "quarter", "year"]


@dataclass(frozen=True, slots=True)
class Bulletin:
    period: Period = "week"
    post: bool = False


@dataclass(frozen=True, slots=True)
class Export:
    period: Period | None = None


@dataclass(frozen=True, slots=True)
class Language:
    locale: Literal["zh", "en"]


HolidayAction = Literal["off", "work", "confirm", "list", "clear"]


@dataclass(frozen=True, slots=True)
class Holiday:
    action: HolidayAction
    day: date | None = None
    year: int | None = None
    note: str | None = None
    until: date | None = None  # the last day of a range (2027-02-06..2027-02-12), else None


# -- item corrections (撤销 / 修改 / 改派), parsed in bot.domain.correction_syntax ----------------


@dataclass(frozen=True, slots=True)
class Withdraw:
    ref: ItemRef
    reason: str


@dataclass(frozen=True, slots=True)
class Edit:
    ref: ItemRef


@dataclass(frozen=True, slots=True)
class Reassign:
    ref: ItemRef
    new: UserRef
    old: UserRef | None = None  # None: the lead owner; else the co-owner being replaced


Command: TypeAlias = (
    Help
    | Assign
    | New
    | ListItems
    | Show
    | Report
    | Review
    | Call
    | Meeting
    | Archive
    | Urge
    | Extend
    | Instruct
    | Bulletin
    | Export
    | Language
    | Holiday
    | Withdraw
    | Edit
    | Reassign
)

# -- tokens -------------------------------------------------------------------------------------

_QUOTES = {'"': '"', "＂": "＂", "“": "”", "'": "'", "‘": "’", "「": "」", "『": "』"}
_SLACK_SPAN_MAX = 200
_EXCERPT_MAX = 60


@dataclass(frozen=True, slots=True)
class _Token:
    text: str  # as typed, without the quotes of a quoted token
    start: int  # offset in the command text (the opening quote of a quoted token)
    end: int
    quoted: bool
    unclosed_quote: str | None = None  # an opening quote that is never closed

    @property
    def norm(self) -> str:
        return "" if self.quoted else normalise(self.text)


def _tokenise(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        closer = _QUOTES.get(text[i])
        unclosed = None
        if closer is not None:
            j = text.find(closer, i + 1)
            if j < 0:
                # Only a problem where quotes matter (the title); free text keeps it as typed.
                unclosed = text[i]
            elif j + 1 == n or text[j + 1].isspace():
                tokens.append(_Token(text[i + 1 : j], i, j + 1, True))
                i = j + 1
                continue
            # The closing quote is glued to more text (“放管服”改革): the quotes are part of the word.
        j = i
        while j < n and not text[j].isspace():
            if text.startswith(("<@", "<#", "<!"), j):
                k = text.find(">", j, j + _SLACK_SPAN_MAX)
                if k > 0 and "\n" not in text[j:k]:
                    j = k + 1
                    continue
            j += 1
        tokens.append(_Token(text[i:j], i, j, False, unclosed))
        i = j
    return tokens


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT_MAX else text[: _EXCERPT_MAX - 1] + "…"


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenise(text)
        self.i = 1  # tokens[0] is the subcommand
        self.strict_quotes = False

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token | None:
        token = self.peek()
        if token is not None:
            if self.strict_quotes and token.unclosed_quote:
                raise ParseError("unclosed_quote", quote=token.unclosed_quote)
            self.i += 1
        return token

    def rest(self, start: int | None = None) -> str:
        """The raw text from ``start`` (default: the next token) to the end, unescaped."""
        if start is None:
            token = self.peek()
            if token is None:
                return ""
            start = token.start
        return _unescape(self.text[start:]).strip()

    def done(self) -> None:
        if self.peek() is not None:
            raise ParseError("unexpected_text", text=_excerpt(self.rest()))
