from __future__ import annotations

import contextlib
import re
import tomllib
from datetime import date
from itertools import permutations
from pathlib import Path

import jinja2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar_sources import standard_calendar
from bot.domain.calendar import UnknownCalendarYear
from bot.domain.command_parser import parse_command
from bot.domain.command_words import CADENCE_TOKEN_RE, OPTION_KEYWORDS
from bot.domain.commands import (
    Archive,
    Assign,
    Bulletin,
    Call,
    Export,
    Extend,
    Help,
    Holiday,
    Instruct,
    Language,
    ListItems,
    New,
    Report,
    Review,
    Show,
    Urge,
    UserRef,
)
from bot.domain.due_dates import normalise, parse_due, required_date
from bot.domain.errors import DomainError, ParseError
from bot.domain.items import REQUIREMENTS_MAX, TITLE_MAX, ItemRef, SourceKind
from tests.properties import examples

ROOT = Path(__file__).resolve().parents[2]
U1, U2, U3 = UserRef(user_id="U1"), UserRef(user_id="U2"), UserRef(user_id="U3")


def assign(text: str) -> Assign:
    command = parse_command(text)
    assert isinstance(command, Assign)
    return command


def error_of(text: str) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_command(text)
    return info.value


# -- help / new -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u3000", "help", "HELP", "帮助", "?", "？"])
def test_help(text: str) -> None:
    assert parse_command(text) == Help(None)


@pytest.mark.parametrize(
    ("text", "topic"),
    [("help assign", "assign"), ("help 交办", "assign"), ("帮助 延期", "extend"), ("help Foo", "foo")],
)
def test_help_topic(text: str, topic: str) -> None:
    assert parse_command(text) == Help(topic)


@pytest.mark.parametrize("text", ["new", "NEW", "新建"])
def test_new(text: str) -> None:
    assert parse_command(text) == New()


def test_new_takes_no_arguments() -> None:
    err = error_of("new something")
    assert (err.code, err.params) == ("unexpected_text", {"text": "something"})


# -- assign -----------------------------------------------------------------------------------


def test_assign_minimal() -> None:
    assert parse_command("assign <@U1> Repair the gate") == Assign(U1, (), "Repair the gate")


def test_assign_everything_english() -> None:
    command = parse_command(
        "Assign <@U1> <@U2|li> Repair the east gate due 12-05 source meeting every monday "
        "parent DB-2026-0007 confidential fyi urgent req Replace the lock, due soon & paint it"
    )
    assert command == Assign(
        lead=U1,
        co=(U2,),
        title="Repair the east gate",
        due="12-05",
        source=SourceKind.MEETING_DECISION,
        confidential=True,
        fyi=True,
        urgent=True,
        cadence="monday",
        parent=ItemRef(seq=7, year=2026),
        requirements="Replace the lock, due soon & paint it",
    )


def test_assign_everything_chinese() -> None:
    command = parse_command(
        "交办 @王伟 @李娜 修缮东门 截止 12月5日 来源 领导批示 频次 每周一 上级 7 "
        "保密 知悉 加急 要求 请于周五前报送方案"
    )
    assert command == Assign(
        lead=UserRef(name="王伟"),
        co=(UserRef(name="李娜"),),
        title="修缮东门",
        due="12月5日",
        source=SourceKind.LEADER_INSTRUCTION,
        confidential=True,
        fyi=True,
        urgent=True,
        cadence="每周一",
        parent=ItemRef(seq=7),
        requirements="请于周五前报送方案",
    )


@pytest.mark.parametrize(
    ("flag", "field"),
    [
        ("confidential", "confidential"),
        ("保密", "confidential"),
        ("机密", "confidential"),
        ("fyi", "fyi"),
        ("转办", "fyi"),
        ("知悉", "fyi"),
        ("urgent", "urgent"),
        ("URGENT", "urgent"),
        ("紧急", "urgent"),
        ("加急", "urgent"),
    ],
)
def test_assign_flags(flag: str, field: str) -> None:
    command = parse_command(f"assign <@U1> 标题 {flag}")
    assert isinstance(command, Assign)
    assert {"confidential": command.confidential, "fyi": command.fyi, "urgent": command.urgent} == {
        "confidential": field == "confidential",
        "fyi": field == "fyi",
        "urgent": field == "urgent",
    }


@pytest.mark.parametrize("keyword", ["due", "截止", "期限", "DUE", "ｄｕｅ"])
def test_due_keywords(keyword: str) -> None:
    assert assign(f"assign <@U1> 标题 {keyword} 2026-12-05").due == "2026-12-05"


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("due next fri", "next fri"),
        ("due 3 wd", "3 wd"),
        ("截止 3 个工作日", "3 个工作日"),
        ("截止：12月5日", "12月5日"),
        ("due:12-05", "12-05"),
        ("截止： 12月5日", "12月5日"),
        ('due "next fri"', "next fri"),
    ],
)
def test_due_values(text: str, due: str) -> None:
    assert assign(f"assign <@U1> 标题 {text}").due == due


def test_colon_only_from_normalisation_is_not_an_option() -> None:
    assert assign("assign <@U1> due⩴x").title == "due⩴x"  # NFKC turns ⩴ into "::="


def test_due_does_not_swallow_unrelated_words() -> None:
    err = error_of("assign <@U1> 标题 due 3 weeks later")
    assert (err.code, err.params) == ("unexpected_text", {"text": "later"})


def test_options_in_any_order() -> None:
    options = ["due 12-05", "source 会议", "every 2 weeks", "urgent", "parent 12"]
    expected = Assign(
        U1,
        (),
        "标题",
        due="12-05",
        source=SourceKind.MEETING_DECISION,
        urgent=True,
        cadence="2 weeks",
        parent=ItemRef(12),
    )
    for order in permutations(options):
        assert parse_command("assign <@U1> 标题 " + " ".join(order)) == expected, order


@pytest.mark.parametrize(
    ("text", "cadence"),
    [
        ("every monday due 12-05", "monday"),
        ("every other week on friday urgent", "other week on friday"),
        ("频次 每周一", "每周一"),
        ("频次 每周一 每周三", "每周一 每周三"),
        ("每天", "每天"),
        ("每2个工作日", "每2个工作日"),
        ("每月15日", "每月15日"),
        ("每周一、三", "每周一、三"),
        ("每季度末", "每季度末"),
        ("频率：每月1号", "每月1号"),
    ],
)
def test_cadence(text: str, cadence: str) -> None:
    assert assign(f"assign <@U1> 标题 {text}").cadence == cadence


def test_a_title_word_starting_with_mei_is_not_a_cadence() -> None:
    command = parse_command("assign <@U1> 每日一报 制度")
    assert command == Assign(U1, (), "每日一报 制度")
    assert parse_command("assign <@U1> 每周 例会 每周一") == Assign(U1, (), "每周 例会", cadence="每周一")


@pytest.mark.parametrize(
    ("text", "owners"),
    [
        ("<@U1>", (U1, ())),
        ("<@U1|wang>", (U1, ())),
        ("<@U1|Wang Wei>", (U1, ())),
        ("<@U1> <@U2> <@U3>", (U1, (U2, U3))),
        ("<@U1><@U2>", (U1, (U2,))),
        ("<@U1>, <@U2>", (U1, (U2,))),
        ("<@U1>、<@U2>、<@U3>", (U1, (U2, U3))),
        ("<@U1> 、 <@U2>", (U1, (U2,))),
        ("<@U1> <#C1|general> <@U2>", (U1, (U2,))),
        ("@wang", (UserRef(name="wang"), ())),
        ("@王伟，@李娜", (UserRef(name="王伟"), (UserRef(name="李娜"),))),
        ("＠王伟 <@U2>", (UserRef(name="王伟"), (U2,))),
    ],
)
def test_mentions(text: str, owners: tuple[UserRef, tuple[UserRef, ...]]) -> None:
    command = parse_command(f"assign {text} 标题")
    assert isinstance(command, Assign)
    assert (command.lead, command.co, command.title) == (*owners, "标题")


def test_user_ref_needs_exactly_one_field() -> None:
    with pytest.raises(ValueError):
        UserRef()
    with pytest.raises(ValueError):
        UserRef(user_id="U1", name="wang")
    assert str(U1) == "<@U1>"
    assert str(UserRef(name="wang")) == "@wang"


def test_mentions_later_in_the_title_stay_text() -> None:
    assert assign("assign <@U1> 请 <@U2> 配合").title == "请 <@U2> 配合"


@pytest.mark.parametrize(
    ("quoted", "title"),
    [
        ('"Review the due process"', "Review the due process"),
        ("“审核 截止 日期 紧急 事项”", "审核 截止 日期 紧急 事项"),
        ("'urgent fix'", "urgent fix"),
        ("‘urgent fix’", "urgent fix"),
        ("「关于 要求 的 通知」", "关于 要求 的 通知"),
        ("『来源 核查』", "来源 核查"),
        ('"a" "due"', "a due"),
        ("“放管服”改革", "“放管服”改革"),
        ("Mayor's office", "Mayor's office"),
        ("A &amp; B &lt;draft&gt;", "A & B <draft>"),
        ("  many   spaces  ", "many spaces"),
    ],
)
def test_title_quoting(quoted: str, title: str) -> None:
    command = parse_command(f"assign <@U1> {quoted} due 12-05")
    assert isinstance(command, Assign)
    assert (command.title, command.due) == (title, "12-05")


def test_full_width_space_separates_tokens() -> None:
    command = parse_command("交办\u3000<@U1>\u3000<@U2>\u3000修缮\u3000东门\u3000截止\u300012-05\u3000紧急")
    assert command == Assign(U1, (U2,), "修缮 东门", due="12-05", urgent=True)


def test_requirements_take_the_rest_verbatim() -> None:
    command = assign("assign <@U1> 标题 要求 第一，due 不算选项；\n第二，紧急 也不算。  ")
    assert command.requirements == "第一，due 不算选项；\n第二，紧急 也不算。"
    assert command.due is None and not command.urgent
    inline = assign("assign <@U1> 标题 要求：按时 报送 urgent")
    assert inline.requirements == "按时 报送 urgent"


def test_requirements_may_contain_unbalanced_quotes() -> None:
    command = assign('assign <@U1> 标题 req He said "hurry')
    assert command.requirements == 'He said "hurry'


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("assign", "missing_lead", {}),
        ("assign Repair the gate", "missing_lead", {}),
        ("交办 修缮东门 <@U1>", "missing_lead", {}),
        ("assign <@U1> <@U2> <@U1> 标题", "duplicate_owner", {"name": "<@U1>"}),
        ("assign @Wang @wang 标题", "duplicate_owner", {"name": "@wang"}),
        ("assign <@U1>", "empty_title", {}),
        ("assign <@U1> due 12-05", "empty_title", {}),
        ('assign <@U1> "" due 12-05', "empty_title", {}),
        ("assign <@U1> 标题 due", "missing_value", {"option": "due", "command": "assign"}),
        ("assign <@U1> 标题 截止 紧急", "missing_value", {"option": "截止", "command": "assign"}),
        ("assign <@U1> 标题 source", "missing_value", {"option": "source", "command": "assign"}),
        ("assign <@U1> 标题 every urgent", "missing_value", {"option": "every", "command": "assign"}),
        ("assign <@U1> 标题 上级", "missing_value", {"option": "上级", "command": "assign"}),
        ("assign <@U1> 标题 要求", "missing_value", {"option": "要求", "command": "assign"}),
        ("assign <@U1> 标题 req   ", "missing_value", {"option": "req", "command": "assign"}),
        ("assign <@U1> 标题 due 1 due 2", "duplicate_option", {"option": "due"}),
        ("assign <@U1> 标题 每天 频次 每周", "duplicate_option", {"option": "频次"}),
        ('assign <@U1> "标题 due 12-05', "unclosed_quote", {"quote": '"'}),
        ("assign <@U1> “标题 截止 12-05", "unclosed_quote", {"quote": "“"}),
        ("assign <@U1> 「标题", "unclosed_quote", {"quote": "「"}),
        ("assign <@U1> 标题 due 12-05 and more", "unexpected_text", {"text": "and more"}),
        ("assign <@U1> 标题 parent x", "bad_item_ref", {"text": "x"}),
    ],
)
def test_assign_errors(text: str, code: str, params: dict[str, object]) -> None:
    err = error_of(text)
    assert (err.code, err.params) == (code, params)


def test_unknown_source() -> None:
    err = error_of("assign <@U1> 标题 source rumour")
    assert err.code == "unknown_source"
    assert err.params["source"] == "rumour"


def test_title_limits() -> None:
    assert assign(f"assign <@U1> {'字' * TITLE_MAX}").title == "字" * TITLE_MAX
    err = error_of(f"assign <@U1> {'字' * (TITLE_MAX + 1)}")
    assert (err.code, err.params) == ("title_too_long", {"length": TITLE_MAX + 1, "max": TITLE_MAX})


def test_requirements_limit() -> None:
    ok = assign(f"assign <@U1> 标题 req {'x' * REQUIREMENTS_MAX}")
    assert len(ok.requirements or "") == REQUIREMENTS_MAX
    err = error_of(f"assign <@U1> 标题 req {'x' * (REQUIREMENTS_MAX + 1)}")
    assert (err.code, err.params) == (
        "requirements_too_long",
        {"length": REQUIREMENTS_MAX + 1, "max": REQUIREMENTS_MAX},
    )


# -- list -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("list", ListItems("mine", None)),
        ("列表", ListItems("mine", None)),
        ("list mine", ListItems("mine", None)),
        ("列表 我的", ListItems("mine", None)),
        ("list overdue", ListItems("overdue", None)),
        ("列表 逾期", ListItems("overdue", None)),
        ("列表 超期", ListItems("overdue", None)),
        ("LIST ALL", ListItems("all", None)),
        ("列表 全部", ListItems("all", None)),
        ("list <@U2>", ListItems("user", U2)),
        ("list <@U2|li>", ListItems("user", U2)),
        ("列表 @李娜", ListItems("user", UserRef(name="李娜"))),
    ],
)
def test_list(text: str, expected: ListItems) -> None:
    parsed = parse_command(text)
    assert isinstance(parsed, ListItems)
    assert (parsed.scope, parsed.user) == (expected.scope, expected.user)


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("list someday", "bad_list_filter", {"text": "someday"}),
        ("list <@U1><@U2>", "bad_list_filter", {"text": "<@U1><@U2>"}),
        ("list mine all", "list_filter_twice", {"text": "all"}),
        ("list unit", "list_filter_value", {"word": "unit"}),
    ],
)
def test_list_errors(text: str, code: str, params: dict[str, object]) -> None:
    err = error_of(text)
    assert (err.code, err.params) == (code, params)


# -- commands on one item ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "cls", "name"),
    [
        (("show", "查看"), Show, "show"),
        (("report", "报告", "反馈"), Report, "report"),
        (("review", "审核"), Review, "review"),
        (("call", "电话"), Call, "call"),
        (("archive", "归档"), Archive, "archive"),
    ],
)
def test_single_item_commands(words: tuple[str, ...], cls: type, name: str) -> None:
    for word in words:
        assert parse_command(f"{word} DB-2026-0012") == cls(ItemRef(12, 2026))
        assert parse_command(f"{word} 12") == cls(ItemRef(12))
        assert parse_command(f"{word} #12") == cls(ItemRef(12))
        assert parse_command(f"{word} db-2026-12") == cls(ItemRef(12, 2026))
        assert parse_command(f"{word}　１２") == cls(ItemRef(12))
        err = error_of(word)
        assert (err.code, err.params) == ("missing_item_ref", {"command": name, "word": word})
        err = error_of(f"{word} 12 now")
        assert (err.code, err.params) == ("unexpected_text", {"text": "now"})
        err = error_of(f"{word} DB-12x")
        assert (err.code, err.params) == ("bad_item_ref", {"text": "DB-12x"})


def test_urge() -> None:
    assert parse_command("urge 12") == Urge(ItemRef(12), None)
    assert parse_command("催办 DB-2026-0012 请于今日下班前反馈") == Urge(
        ItemRef(12, 2026), "请于今日下班前反馈"
    )
    assert parse_command('urge 12 "hurry') == Urge(ItemRef(12), '"hurry')
    assert error_of("催办").params == {"command": "urge", "word": "催办"}


def test_extend() -> None:
    assert parse_command("extend 12 12-31 waiting for the audit") == Extend(
        ItemRef(12), "12-31", "waiting for the audit"
    )
    assert parse_command("延期 12 12月31日 等待审计报告") == Extend(ItemRef(12), "12月31日", "等待审计报告")
    assert parse_command("延期 12 5 个工作日 等待审计报告") == Extend(
        ItemRef(12), "5 个工作日", "等待审计报告"
    )
    assert parse_command("extend 12 next fri audit") == Extend(ItemRef(12), "next fri", "audit")
    err = error_of("extend 12")
    assert (err.code, err.params) == ("missing_value", {"option": "date", "command": "extend"})
    err = error_of("延期 12 12-31")
    assert (err.code, err.params) == ("missing_value", {"option": "reason", "command": "extend"})
    assert error_of("extend").code == "missing_item_ref"


def test_instruct() -> None:
    assert parse_command("instruct 12 Finish before Monday") == Instruct(ItemRef(12), "Finish before Monday")
    assert parse_command("批示 12 请抓紧办理，due 不是选项") == Instruct(
        ItemRef(12), "请抓紧办理，due 不是选项"
    )
    err = error_of("批示 12")
    assert (err.code, err.params) == ("missing_value", {"option": "text", "command": "instruct"})


# -- bulletin / export / lang -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bulletin", Bulletin("week", False)),
        ("通报", Bulletin("week", False)),
        ("bulletin month", Bulletin("month", False)),
        ("bulletin quarter post", Bulletin("quarter", True)),
        ("bulletin post year", Bulletin("year", True)),
        ("bulletin post", Bulletin("week", True)),
        ("通报 周", Bulletin("week", False)),
        ("通报 月 发布", Bulletin("month", True)),
        ("通报 季", Bulletin("quarter", False)),
        ("通报 季度", Bulletin("quarter", False)),
        ("通报 年", Bulletin("year", False)),
    ],
)
def test_bulletin(text: str, expected: Bulletin) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("bulletin fortnight", "bad_period", {"text": "fortnight"}),
        ("bulletin month week", "unexpected_text", {"text": "week"}),
        ("bulletin post post", "unexpected_text", {"text": "post"}),
        ("export decade", "bad_period", {"text": "decade"}),
        ("export month year", "unexpected_text", {"text": "year"}),
    ],
)
def test_period_errors(text: str, code: str, params: dict[str, object]) -> None:
    err = error_of(text)
    assert (err.code, err.params) == (code, params)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("export", Export(None)),
        ("导出", Export(None)),
        ("export month", Export("month")),
        ("导出 季度", Export("quarter")),
    ],
)
def test_export(text: str, expected: Export) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("lang zh", "zh"),
        ("lang ZH", "zh"),
        ("语言 中文", "zh"),
        ("lang en", "en"),
        ("lang English", "en"),
        ("语言 英文", "en"),
    ],
)
def test_language(text: str, locale: str) -> None:
    assert parse_command(text) == Language("zh" if locale == "zh" else "en")


@pytest.mark.parametrize(("text", "bad"), [("lang fr", "fr"), ("语言 法语", "法语"), ("lang", "")])
def test_bad_locale(text: str, bad: str) -> None:
    err = error_of(text)
    assert (err.code, err.params) == ("bad_locale", {"text": bad})


# -- holiday ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("holiday 2027-01-01 off", Holiday("off", day=date(2027, 1, 1))),
        ("节假日 2027-01-01 休 元旦", Holiday("off", day=date(2027, 1, 1), note="元旦")),
        ("holiday 2027/10/01 off National Day", Holiday("off", day=date(2027, 10, 1), note="National Day")),
        ("holiday 2027-02-07 work", Holiday("work", day=date(2027, 2, 7))),
        ("节假日 2027年2月7日 班 春节调休", Holiday("work", day=date(2027, 2, 7), note="春节调休")),
        ("holiday 2027 confirm", Holiday("confirm", year=2027)),
        ("节假日 2027 确认", Holiday("confirm", year=2027)),
        ("holiday list", Holiday("list")),
        ("holiday list 2027", Holiday("list", year=2027)),
        ("节假日 列表 2027", Holiday("list", year=2027)),
        ("holiday", Holiday("list")),
        ("holiday 2027", Holiday("list", year=2027)),
        ("holiday clear 2027-01-01", Holiday("clear", day=date(2027, 1, 1))),
        ("节假日 删除 2027-01-01", Holiday("clear", day=date(2027, 1, 1))),
    ],
)
def test_holiday(text: str, expected: Holiday) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "args",
    [
        "2027-02-30 off",
        "2027-01-01",
        "2027-01-01 maybe",
        "12-05 off",
        "2027 maybe",
        "2027 confirm now",
        "1066 confirm",
        "list next",
        "list 2027 2028",
        "clear",
        "clear tomorrow",
        "clear 2027-01-01 2027-01-02",
        "someday",
    ],
)
def test_bad_holiday(args: str) -> None:
    err = error_of(f"holiday {args}")
    assert (err.code, err.params) == ("bad_holiday", {"text": args})


# -- unknown ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"), [("frobnicate 12", "frobnicate"), ("<@U1> 修路", "<@U1>"), ('"assign"', "assign")]
)
def test_unknown_subcommand(text: str, word: str) -> None:
    err = error_of(text)
    assert (err.code, err.params) == ("unknown_subcommand", {"word": word})


# -- properties -------------------------------------------------------------------------------

VOCAB = [
    *OPTION_KEYWORDS,
    "assign",
    "交办",
    "list",
    "show",
    "urge",
    "extend",
    "instruct",
    "bulletin",
    "export",
    "lang",
    "holiday",
    "help",
    "<@U1>",
    "<@U2|li>",
    "@wang",
    "<#C1|x>",
    "<@",
    "<!here>",
    "、",
    '"',
    "“",
    "”",
    "'",
    "「",
    "」",
    "12-05",
    "2027-01-01",
    "2027",
    "off",
    "work",
    "confirm",
    "clear",
    "DB-2026-0001",
    "12",
    "每周一",
    "next",
    "fri",
    "3",
    "wd",
    ":",
    "：",
    "截止：",
    "&amp;",
    "\u3000",
    "\n",
]


@settings(max_examples=examples(300), deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=60),
        st.lists(st.one_of(st.sampled_from(VOCAB), st.text(max_size=5)), max_size=12).map(" ".join),
        st.lists(st.sampled_from(VOCAB), max_size=12).map("".join),
    )
)
def test_parse_command_only_raises_domain_errors(text: str) -> None:
    with contextlib.suppress(DomainError):
        parse_command(text)


def _plain_word(word: str) -> bool:
    norm = normalise(word)
    return not (
        norm.rstrip(":") in OPTION_KEYWORDS
        or norm.partition(":")[0] in OPTION_KEYWORDS
        or CADENCE_TOKEN_RE.fullmatch(norm)
        or word[0] in "\"＂“'‘「『@＠"
        or "<" in word
        or "&" in word
    )


title_words = st.lists(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
        min_size=1,
        max_size=8,
    )
    .filter(lambda w: not any(ch.isspace() for ch in w))
    .filter(_plain_word),
    min_size=1,
    max_size=8,
)


@settings(max_examples=examples(200), deadline=None)
@given(
    words=title_words,
    spaces=st.lists(st.sampled_from([" ", "\u3000", "  ", " \u3000"]), min_size=8, max_size=8),
)
def test_title_round_trips(words: list[str], spaces: list[str]) -> None:
    title = " ".join(words)
    command = parse_command(f"assign <@U1> {title} due 12-05")
    assert command == Assign(U1, (), title, due="12-05")
    mixed = "".join(word + space for word, space in zip(words, spaces, strict=False))
    assert parse_command(f"assign\u3000<@U1>\u3000{mixed}截止\u300012-05") == command


@settings(max_examples=examples(100), deadline=None)
@given(words=title_words)
def test_quoted_titles_round_trip(words: list[str]) -> None:
    title = " ".join(words)
    if "”" in title:
        return
    command = parse_command(f"assign <@U1> “{title}” urgent")
    assert command == Assign(U1, (), title, urgent=True)


def test_raw_due_is_understood_by_the_due_parser() -> None:
    command = assign("assign <@U1> 标题 截止 3 个工作日")
    assert parse_due(command.due or "", date(2026, 11, 26), standard_calendar()) == date(2026, 12, 1)


# -- the message catalogue --------------------------------------------------------------------

CATALOG = ROOT / "messages" / "catalog"
ERROR_SAMPLES = [
    "assign",
    "assign <@U1> <@U1> t",
    "assign <@U1>",
    f"assign <@U1> {'x' * (TITLE_MAX + 1)}",
    "assign <@U1> t due",
    "extend 1",
    "extend 1 12-05",
    "instruct 1",
    f"assign <@U1> t req {'x' * (REQUIREMENTS_MAX + 1)}",
    'assign <@U1> "t',
    "assign <@U1> t due 1 due 2",
    "list x",
    "show",
    "show x",
    "show 1 2",
    "bulletin x",
    "lang x",
    "lang",
    "holiday x",
    "x",
    "assign <@U1> t source x",
]


def _load(locale: str) -> dict[str, str]:
    with (CATALOG / locale / "parse.toml").open("rb") as fh:
        data = tomllib.load(fh)
    assert list(data) == ["error"]
    return data["error"]


def _sample_errors() -> list[DomainError]:
    errors: list[DomainError] = [
        UnknownCalendarYear(2031),
        DomainError("calendar_no_workday", day="2026-01-01"),
    ]
    for text in ERROR_SAMPLES:
        with pytest.raises(DomainError) as info:
            parse_command(text)
        errors.append(info.value)
    today, cal = date(2026, 11, 26), standard_calendar()
    for text in ("x", "2020-01-01", "9999d", "99999999999d", "2月30日", "13月1日", "2-29"):
        with pytest.raises(DomainError) as info:
            parse_due(text, today, cal)
        errors.append(info.value)
    with pytest.raises(DomainError) as info:
        required_date(None, "new_date")
    errors.append(info.value)
    with pytest.raises(DomainError) as info:
        parse_command("holiday 2027-01-01..2027-03-01 off")
    errors.append(info.value)
    return errors


def test_catalogues_have_the_same_keys() -> None:
    assert _load("en").keys() == _load("zh").keys()


def test_every_raised_code_has_a_message() -> None:
    keys = _load("en").keys()
    sources = [
        ROOT / "bot" / "domain" / name
        for name in ("calendar.py", "due_dates.py", "commands.py", "commands.py")
    ]
    raised = {
        code
        for path in sources
        for code in re.findall(
            r'(?:ParseError|DomainError)\(\s*"([a-z_]+)"', path.read_text(encoding="utf-8")
        )
    }
    raised |= {"calendar_year_unknown", "unknown_source", "bad_item_ref"}
    assert raised <= keys
    assert {e.code for e in _sample_errors()} == set(keys)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_messages_render_with_the_error_params(locale: str) -> None:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    catalogue = _load(locale)
    for error in _sample_errors():
        text = env.from_string(catalogue[error.code]).render(**error.params)
        assert "{{" not in text and text.strip(), error.code
        assert "`" in text, f"{error.code} needs an example"
