"""The organisation file parser (bot.domain.organisation): one-line errors name the department and field."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.organisation import OrgFileError, parse_org_file
from tests.properties import examples

GOOD = """
[[department]]
code = "fgk"
name = "发展改革科"
name_en = "Development and Reform"
head = "U0HEAD001"
leader = "U0LEAD002"
members = ["U0AAA", "U0BBB"]

[[department]]
code = "bgs"
name = "办公室"
usergroup = "S0GROUP1"
"""


def error_of(text: str) -> str:
    with pytest.raises(OrgFileError) as caught:
        parse_org_file(text)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_a_good_file() -> None:
    org = parse_org_file(GOOD)
    fgk, bgs = org.departments
    assert (fgk.code, fgk.name, fgk.name_en, fgk.head, fgk.leader) == (
        "fgk",
        "发展改革科",
        "Development and Reform",
        "U0HEAD001",
        "U0LEAD002",
    )
    assert fgk.members == ("U0AAA", "U0BBB") and fgk.everyone() == ("U0AAA", "U0BBB", "U0HEAD001")
    assert bgs.usergroup == "S0GROUP1" and bgs.name_en == "办公室" and bgs.members == ()
    assert org.department_of("U0HEAD001") is fgk and org.department_of("U0NOBODY") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[department]]\nname = "x"', "department #1: field code: missing"),
        ('[[department]]\ncode = "a b"\nname = "x"', "department #1: field code"),
        ('[[department]]\ncode = "fgk"', "department 'fgk': field name: missing"),
        ('[[department]]\ncode = "fgk"\nname = ""', "department 'fgk': field name"),
        ('[[department]]\ncode = "fgk"\nname = "x"\nhead = "bob"', "department 'fgk': field head"),
        ('[[department]]\ncode = "fgk"\nname = "x"\nleader = 3', "department 'fgk': field leader"),
        ('[[department]]\ncode = "fgk"\nname = "x"\nmembers = "U0AAA"', "department 'fgk': field members"),
        ('[[department]]\ncode = "fgk"\nname = "x"\nmembers = ["nope"]', "department 'fgk': field members"),
        (
            '[[department]]\ncode = "fgk"\nname = "x"\nusergroup = "U0AAA"',
            "department 'fgk': field usergroup",
        ),
        ('[[department]]\ncode = "fgk"\nname = "x"\nhaed = "U0AAA"', "department 'fgk': field haed: unknown"),
        (
            '[[department]]\ncode = "fgk"\nname = "x"\nmembers = ["U0AAA"]\nusergroup = "S0G"',
            "department 'fgk': field members: give either",
        ),
        ("", "no [[department]] tables"),
        ("title = 1", "unknown table or key 'title'"),
        ("[[department]\n", "not valid TOML"),
    ],
)
def test_one_line_naming_department_and_field(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_a_person_in_two_departments_is_an_error() -> None:
    text = GOOD + '\n[[department]]\ncode = "zfk"\nname = "政法科"\nmembers = ["U0BBB"]\n'
    assert error_of(text) == (
        "department 'zfk': field members: U0BBB is also in department 'fgk'"
        " (a person belongs to one department)"
    )


def test_a_head_of_one_listed_in_another_is_an_error() -> None:
    text = GOOD + '\n[[department]]\ncode = "zfk"\nname = "政法科"\nhead = "U0HEAD001"\n'
    assert "U0HEAD001 is also in department 'fgk'" in error_of(text)


def test_a_code_listed_twice_is_an_error() -> None:
    text = GOOD + '\n[[department]]\ncode = "fgk"\nname = "again"\n'
    assert error_of(text) == "department 'fgk': field code: listed twice"


_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=12)
    | st.sampled_from(["U0AAA", "S0G1", "fgk"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_fields = st.sampled_from(["code", "name", "name_en", "head", "leader", "members", "usergroup", "x"])


def _toml_value(value: object) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{_toml_value(str(k))} = {_toml_value(v)}" for k, v in value.items()) + "}"


@settings(max_examples=examples(300), deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses_or_raises_org_file_error(text: str) -> None:
    try:
        parse_org_file(text)
    except OrgFileError as error:
        assert "\n" not in str(error)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(st.dictionaries(_fields, _values, max_size=7), max_size=4))
def test_structured_files_parse_or_raise_org_file_error(departments: list[dict[str, object]]) -> None:
    text = "\n".join(
        "[[department]]\n" + "\n".join(f"{key} = {_toml_value(value)}" for key, value in d.items())
        for d in departments
    )
    try:
        org = parse_org_file(text)
    except OrgFileError as error:
        assert "\n" not in str(error)
        return
    people = [p for d in org.departments for p in d.everyone()]
    assert len(people) == len(set(people))
