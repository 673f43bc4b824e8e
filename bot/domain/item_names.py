"""The vocabulary that names an item: its number (统一编号), where it comes from (立项来源), the roles
people and owners play. ``bot.domain.items`` re-exports all of it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import ParseError

TITLE_MAX = 200
REQUIREMENTS_MAX = 3000
NUMBER_PREFIX = "DB"


class SourceKind(StrEnum):
    """Where an item comes from (立项来源)."""

    LEADER_INSTRUCTION = "leader_instruction"  # 领导批示
    MEETING_DECISION = "meeting_decision"  # 会议决定
    UPPER_DOCUMENT = "upper_document"  # 上级文件 / 督办件
    DEPUTY_PROPOSAL = "deputy_proposal"  # 人大建议 / 政协提案
    WORK_PLAN = "work_plan"  # 工作计划
    COMPLAINT = "complaint"  # 投诉
    PUBLIC_CONCERN = "public_concern"  # 媒体 / 群众热点
    INSPECTION = "inspection"  # 督查整改
    OTHER = "other"


SOURCE_ALIASES: dict[str, SourceKind] = {
    **{kind.value: kind for kind in SourceKind},
    "instruction": SourceKind.LEADER_INSTRUCTION,
    "leader": SourceKind.LEADER_INSTRUCTION,
    "批示": SourceKind.LEADER_INSTRUCTION,
    "领导批示": SourceKind.LEADER_INSTRUCTION,
    "meeting": SourceKind.MEETING_DECISION,
    "会议": SourceKind.MEETING_DECISION,
    "会议决定": SourceKind.MEETING_DECISION,
    "document": SourceKind.UPPER_DOCUMENT,
    "upper": SourceKind.UPPER_DOCUMENT,
    "上级文件": SourceKind.UPPER_DOCUMENT,
    "文件": SourceKind.UPPER_DOCUMENT,
    "proposal": SourceKind.DEPUTY_PROPOSAL,
    "deputy": SourceKind.DEPUTY_PROPOSAL,
    "建议": SourceKind.DEPUTY_PROPOSAL,
    "提案": SourceKind.DEPUTY_PROPOSAL,
    "人大建议": SourceKind.DEPUTY_PROPOSAL,
    "政协提案": SourceKind.DEPUTY_PROPOSAL,
    "plan": SourceKind.WORK_PLAN,
    "工作计划": SourceKind.WORK_PLAN,
    "计划": SourceKind.WORK_PLAN,
    "投诉": SourceKind.COMPLAINT,
    "public": SourceKind.PUBLIC_CONCERN,
    "media": SourceKind.PUBLIC_CONCERN,
    "热点": SourceKind.PUBLIC_CONCERN,
    "舆情": SourceKind.PUBLIC_CONCERN,
    "整改": SourceKind.INSPECTION,
    "督查": SourceKind.INSPECTION,
    "其他": SourceKind.OTHER,
}


def parse_source(text: str) -> SourceKind:
    try:
        return SOURCE_ALIASES[text.strip().lower()]
    except KeyError:
        raise ParseError(
            "unknown_source", source=text, choices=", ".join(k.value for k in SourceKind)
        ) from None


class Role(StrEnum):
    LEADER = "leader"
    SUPERVISOR = "supervisor"
    DEPT_HEAD = "dept_head"
    MEMBER = "member"
    ADMIN = "admin"


class OwnerRole(StrEnum):
    LEAD = "lead"  # 主办
    CO = "co"  # 协办


_NUMBER_RE = re.compile(r"^\s*(?:DB-?(\d{4})-?)?0*(\d{1,6})\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ItemNumber:
    """The unified number 统一编号 ``DB-<year>-<4 digits>``."""

    year: int
    seq: int

    def __str__(self) -> str:
        return f"{NUMBER_PREFIX}-{self.year}-{self.seq:04d}"


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What a user typed to name an item: a full number or just its sequence (current year)."""

    seq: int
    year: int | None = None

    def resolve(self, current_year: int) -> ItemNumber:
        return ItemNumber(self.year or current_year, self.seq)


def parse_item_ref(text: str) -> ItemRef:
    match = _NUMBER_RE.match(text)
    if not match or int(match.group(2)) == 0:
        raise ParseError("bad_item_ref", text=text)
    year = int(match.group(1)) if match.group(1) else None
    return ItemRef(seq=int(match.group(2)), year=year)
