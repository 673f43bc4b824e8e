"""The administration subcommands of ``/duban``: roles and departments.

``role grant <@U> leader|supervisor|admin`` / ``角色 授予 <@U> 领导|督查|管理员``,
``role revoke <@U> <role>`` / ``角色 撤销 …``, ``roles`` / ``角色列表``, ``dept`` / ``部门``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.domain.commands import UserRef, _excerpt, _Parser, _Token, _unescape
from bot.domain.errors import ParseError
from bot.domain.items import Role


@dataclass(frozen=True, slots=True)
class RoleCommand:
    action: Literal["grant", "revoke"]
    user: UserRef
    role: Role


@dataclass(frozen=True, slots=True)
class ListRoles:
    pass


@dataclass(frozen=True, slots=True)
class ListDepartments:
    pass


@dataclass(frozen=True, slots=True)
class ChangeDepartments:
    """Anything after ``dept`` but ``list``: departments change in the organisation file, not here."""

    text: str


ROLE_WORDS: dict[str, Role] = {
    "leader": Role.LEADER,
    "领导": Role.LEADER,
    "supervisor": Role.SUPERVISOR,
    "督查": Role.SUPERVISOR,
    "督查人员": Role.SUPERVISOR,
    "督办": Role.SUPERVISOR,
    "admin": Role.ADMIN,
    "管理员": Role.ADMIN,
}
_ACTIONS: dict[str, Literal["grant", "revoke"]] = {
    "grant": "grant",
    "add": "grant",
    "授予": "grant",
    "授权": "grant",
    "revoke": "revoke",
    "remove": "revoke",
    "撤销": "revoke",
    "收回": "revoke",
}
_LIST_WORDS = frozenset({"list", "ls", "列表"})
_MENTION_RE = re.compile(r"<@([A-Za-z0-9]+)(?:\|[^<>]*)?>|[@＠]([^\s<>@＠,，、;；]+)")

ADMIN_SUBCOMMANDS: dict[str, str] = {
    "role": "role",
    "角色": "role",
    "roles": "roles",
    "角色列表": "roles",
    "dept": "dept",
    "depts": "dept",
    "department": "dept",
    "departments": "dept",
    "部门": "dept",
    "单位": "dept",
}


def _person(token: _Token | None) -> UserRef:
    if token is None or token.quoted:
        raise ParseError("role_usage", text=_excerpt(_unescape(token.text)) if token else "")
    match = _MENTION_RE.fullmatch(token.text)
    if match is None:
        raise ParseError("role_usage", text=_excerpt(_unescape(token.text)))
    return UserRef(user_id=match.group(1)) if match.group(1) else UserRef(name=match.group(2))


def _role(p: _Parser, word: str) -> RoleCommand | ListRoles:
    token = p.take()
    if token is None or token.norm in _LIST_WORDS:
        p.done()
        return ListRoles()
    action = _ACTIONS.get(token.norm)
    if action is None:
        raise ParseError("role_usage", text=_excerpt(_unescape(token.text)))
    user = _person(p.take())
    role_token = p.take()
    role = ROLE_WORDS.get(role_token.norm) if role_token is not None else None
    if role is None:
        raise ParseError("bad_role", text=_excerpt(_unescape(role_token.text)) if role_token else "")
    p.done()
    return RoleCommand(action, user, role)


def _roles(p: _Parser, word: str) -> ListRoles:
    p.done()
    return ListRoles()


def _dept(p: _Parser, word: str) -> ListDepartments | ChangeDepartments:
    token = p.peek()
    if token is not None and token.norm in _LIST_WORDS:
        p.take()
    if p.peek() is not None:
        return ChangeDepartments(p.rest())
    return ListDepartments()


ADMIN_HANDLERS = {"role": _role, "roles": _roles, "dept": _dept}
