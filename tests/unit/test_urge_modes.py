"""催办方式: which mode an urge record is, what the form accepts, how a bulletin counts them."""

from __future__ import annotations

import pytest

from bot.domain.errors import DomainError
from bot.domain.urge_modes import COUNTED_MODES, UrgeMode, count_modes, logged_mode, mode_of


@pytest.mark.parametrize(
    ("rung", "channel", "mode"),
    [
        ("checkin", "slack_dm", UrgeMode.MESSAGE),
        ("repeat", "slack_dm", UrgeMode.MESSAGE),
        ("manual", "slack_dm", UrgeMode.MESSAGE),
        ("due", "webhook", UrgeMode.MESSAGE),
        ("notice", "slack_dm", UrgeMode.WRITTEN),
        ("call", "phone", UrgeMode.PHONE),
        ("call", "on_site", UrgeMode.ON_SITE),
        ("call", "in_person", UrgeMode.IN_PERSON),
        ("call", "unannounced", UrgeMode.UNANNOUNCED),
        ("escalation", "slack_dm", None),
    ],
)
def test_each_record_has_its_mode(rung: str, channel: str, mode: UrgeMode | None) -> None:
    assert mode_of(rung, channel) == mode


def test_the_form_takes_the_four_logged_modes_only() -> None:
    assert logged_mode(None) is UrgeMode.PHONE
    assert logged_mode("unannounced") is UrgeMode.UNANNOUNCED
    for bad in ("message", "written", "carrier pigeon"):
        with pytest.raises(DomainError) as caught:
            logged_mode(bad)
        assert (caught.value.code, caught.value.field) == ("bad_urge_mode", "mode")


def test_counts_list_every_mode_in_order() -> None:
    counts = count_modes([("checkin", "slack_dm"), ("call", "on_site"), ("escalation", "slack_dm")])
    assert list(counts) == list(COUNTED_MODES)
    assert counts[UrgeMode.MESSAGE] == 1 and counts[UrgeMode.ON_SITE] == 1 and sum(counts.values()) == 2
