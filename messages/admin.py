"""Administration answers: role changes, the role list, departments, and the admin section of App Home."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block

from bot.domain.items import Role
from bot.domain.people import AuditEntry, Department, RoleGrant
from messages.blocks import context, divider, header, message, section
from messages.i18n import format_datetime, t, tp
from messages.text import Mrkdwn, clip, mention
from messages.view_models import Reader

ROLE_ORDER = (Role.ADMIN, Role.LEADER, Role.SUPERVISOR, Role.DEPT_HEAD)
SECTION_MAX = 2900


def _role_name(locale: str, role: Role) -> Mrkdwn:
    return Mrkdwn(t(locale, f"role.{role.value}"))


def role_changed(
    reader: Reader,
    *,
    user_id: str,
    role: Role,
    granted: bool,
    previous_source: str | None,
    variable: str,
    by: str,
    at: datetime,
) -> dict[str, Any]:
    locale = reader.locale
    params = {
        "user": user_id,
        "role_name": _role_name(locale, role),
        "by": mention(by),
        "at": format_datetime(at, locale, reader.tz),
    }
    lines = [t(locale, "org.granted" if granted else "org.revoked", **params)]
    if granted and previous_source == "env":
        lines.append(t(locale, "org.granted_was_env", variable=variable))
    if not granted and previous_source == "env":
        lines.append(t(locale, "org.revoked_was_env", variable=variable))
    if not granted and previous_source == "org":
        lines.append(t(locale, "org.revoked_was_org"))
    text = "\n".join(lines)
    return message(text, [section(text)])


def _sections(lines: Iterable[str]) -> list[Block]:
    """Lines packed into sections under Slack's 3000-character limit."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        line = clip(line, SECTION_MAX)
        if current and len(current) + len(line) + 1 > SECTION_MAX:
            blocks.append(section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(section(current))
    return blocks


def _role_lines(locale: str, roles: list[RoleGrant]) -> list[str]:
    lines = []
    for role in ROLE_ORDER:
        holders = [g for g in roles if g.role is role]
        people = "、".join(
            t(locale, "org.person_source", who=mention(g.user_id), source=t(locale, f"org.source_{g.source}"))
            if g.source in ("env", "command", "org")
            else str(mention(g.user_id))
            for g in holders
        )
        lines.append(
            t(
                locale,
                "org.role_line",
                role_name=_role_name(locale, role),
                people=Mrkdwn(people or t(locale, "org.role_nobody")),
            )
        )
    return lines


def roles_list(reader: Reader, roles: list[RoleGrant]) -> dict[str, Any]:
    locale = reader.locale
    lines = [t(locale, "org.roles_header"), *_role_lines(locale, roles)]
    return message(lines[0], _sections(lines)[:45])


def _dept_lines(locale: str, departments: list[Department]) -> list[str]:
    nobody = t(locale, "org.nobody")
    return [
        t(
            locale,
            "org.dept_line",
            name=d.name(locale),
            code=d.code,
            head=mention(d.head_user_id) if d.head_user_id else Mrkdwn(nobody),
            leader=mention(d.leader_user_id) if d.leader_user_id else Mrkdwn(nobody),
            count=len(d.members),
            members=Mrkdwn(" ".join(f"<@{m}>" for m in d.members) or nobody),
            usergroup=d.usergroup or "",
        )
        for d in departments
    ]


def departments_list(reader: Reader, departments: list[Department], org_file: str | None) -> dict[str, Any]:
    locale = reader.locale
    lines = [t(locale, "org.depts_header", count=len(departments))]
    lines += _dept_lines(locale, departments) or [t(locale, "org.dept_none")]
    note = t(locale, "org.depts_from_file", file=org_file) if org_file else t(locale, "org.depts_no_file")
    return message(lines[0], [*_sections(lines)[:45], context(note)])


def _audit_line(locale: str, tz: str, entry: AuditEntry) -> str:
    key = "org.audit_action_" + entry.action.replace(".", "_")
    role = entry.detail.get("role")
    what = t(
        locale,
        key,
        subject=entry.subject,
        role_name=_role_name(locale, Role(role)) if role in {r.value for r in Role} else "",
    )
    who = mention(entry.actor_id) if entry.actor_id else Mrkdwn(t(locale, "org.audit_by_file"))
    return t(locale, "org.audit_line", at=format_datetime(entry.at, locale, tz), who=who, what=Mrkdwn(what))


def home_rows(reader: Reader, overview: Any) -> list[list[Block]]:
    """The admin section of App Home (one group of rows; ``overview`` is an AdminOverview)."""
    locale = reader.locale
    counts = {role: sum(g.role is role for g in overview.roles) for role in Role}
    summary = t(
        locale,
        "org.home_summary",
        leaders=counts[Role.LEADER],
        supervisors=counts[Role.SUPERVISOR],
        admins=counts[Role.ADMIN],
        departments=len(overview.departments),
        file=overview.org_file or "",
    )
    audit = [_audit_line(locale, reader.tz, e) for e in overview.audit] or [t(locale, "org.audit_none")]
    return [
        [
            divider(),
            header(tp(locale, "org.home_header")),
            section(summary),
            context(t(locale, "org.home_commands")),
        ],
        [section("*" + t(locale, "org.home_audit_header") + "*")],
        _sections(audit)[:3],
    ]
