"""How an item was urged (催办方式, S1 and S5): the bot's own Slack messages, the written notice,
and what the office logs by hand — a phone call, a face-to-face meeting, an on-site visit or an
unannounced visit (暗访). The mode is stored as the urge record's ``channel``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from bot.domain.errors import DomainError


class UrgeMode(StrEnum):
    MESSAGE = "message"  # 提醒 / 消息催办: check-ins, reminders and urgings sent in Slack
    WRITTEN = "written"  # 书面催办: the written urging notice (催办通知)
    PHONE = "phone"  # 电话催办
    IN_PERSON = "in_person"  # 当面催办
    ON_SITE = "on_site"  # 现场督办
    UNANNOUNCED = "unannounced"  # 暗访


# What the office can log by hand with the urging form, in the order the form offers them.
LOGGED_MODES = (UrgeMode.PHONE, UrgeMode.IN_PERSON, UrgeMode.ON_SITE, UrgeMode.UNANNOUNCED)
# Counted in a bulletin, in this order (escalations go to leaders, not to the unit: not counted).
COUNTED_MODES = (UrgeMode.MESSAGE, UrgeMode.WRITTEN, *LOGGED_MODES)
_NOT_URGING = frozenset({"escalation"})


def logged_mode(value: str | None) -> UrgeMode:
    """The mode chosen in the form (phone when none was chosen); anything else is a field error."""
    if not value:
        return UrgeMode.PHONE
    try:
        mode = UrgeMode(value)
    except ValueError:
        raise DomainError("bad_urge_mode", value=str(value)[:40], field="mode") from None
    if mode not in LOGGED_MODES:
        raise DomainError("bad_urge_mode", value=mode.value, field="mode")
    return mode


def mode_of(rung: str, channel: str) -> UrgeMode | None:
    """The mode of one urge record (None: not an urging of the unit, e.g. an escalation)."""
    if rung in _NOT_URGING:
        return None
    if channel in {m.value for m in LOGGED_MODES}:
        return UrgeMode(channel)
    if rung == "call":  # logged before modes existed: a phone call
        return UrgeMode.PHONE
    if rung == "notice":
        return UrgeMode.WRITTEN
    return UrgeMode.MESSAGE


def count_modes(records: Iterable[tuple[str, str]]) -> dict[UrgeMode, int]:
    """(rung, channel) pairs -> how many urgings of each mode, every counted mode present."""
    counted = Counter(m for rung, channel in records if (m := mode_of(rung, channel)) is not None)
    return {mode: counted.get(mode, 0) for mode in COUNTED_MODES}
