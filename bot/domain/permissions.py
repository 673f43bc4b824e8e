"""Who may do what: the one permissions table of the core, and ``require()``.

Every service asks here instead of keeping its own tuple of roles. A rule names the organisation
roles (leader, supervisor, admin) and the relations to the item (lead owner, co-owner, FYI recipient,
assigner, head of an owner's department) that grant an action.

The rules the regulations imply (督查督办工作制度, S1–S5):

* **Supervision acts are for leaders and the supervision office (督查室)**: assigning, urging, deciding
  extensions, reviewing reports, posting bulletins. The admin role is the system's administrator (IT),
  not a supervisor: it gets the *administrative* acts (working-day calendar, roles and departments,
  archiving) but none of the supervision acts — that is why the old ``OVERSEERS`` tuple left admin out.
* **Clearance is wider than acting**: a confidential item's title and texts are for its owners (lead,
  co-owners, FYI recipients), its assigner and other participants, leaders, supervisors and admins —
  that is why the old ``OVERSEER_ROLES`` tuple let admin in. Department heads and 分管领导 who are none
  of these get "a confidential item" and its number only, and no action on it.
* **Leaders alone** decide proposals (拟办呈批) and write instructions (批示).
* **Owners** report and ask for extensions; FYI recipients (转办单) only acknowledge.
* **Deactivated users may do nothing.**

Conditions that need more than the person and the item (own report, own extension request, the state
of the item) stay with the service that knows them; the table answers "may this person, in principle".
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import DomainError, NotFound, PermissionDenied
from bot.domain.items import Item, Role
from bot.domain.people import Person

__all__ = [
    "CLEARED_ROLES",
    "GRANTED_ROLES",
    "OFFICE_FIRST",
    "OFFICE_ROLES",
    "RULES",
    "SUPERVISION_ROLES",
    "Action",
    "Relation",
    "Role",
    "Rule",
    "allowed",
    "cleared",
    "relations",
    "require",
    "require_item",
    "role_holders_order",
]


class Relation(StrEnum):
    """Facts about a person and one item (granted per item, not by the organisation)."""

    LEAD_OWNER = "lead_owner"  # 主办
    CO_OWNER = "co_owner"  # 协办
    FYI_RECIPIENT = "fyi_recipient"  # 转办单 recipient (an owner of an FYI item)
    ASSIGNER = "assigner"  # 交办人
    PARTICIPANT = "participant"  # named in the item's thread or by the office
    DEPT_HEAD = "dept_head"  # head of a department of one of the owners (not itself a clearance)


class Action(StrEnum):
    ASSIGN = "assign"
    NEW = "new"
    LIST_ALL = "list_all"
    SHOW = "show"
    REPORT = "report"
    URGE = "urge"
    EXTEND = "extend"
    DECIDE_EXTENSION = "decide_extension"
    REVIEW = "review"
    APPROVE_PROPOSAL = "approve_proposal"
    INSTRUCT = "instruct"
    WITHDRAW = "withdraw"
    EDIT = "edit"
    REASSIGN = "reassign"
    BULLETIN = "bulletin"
    ARCHIVE = "archive"
    EXPORT = "export"
    HOLIDAY = "holiday"
    ADMIN = "admin"


Grant = Role | Relation

# -- role groups: the one home of every set of roles (no other module lists roles) --------------------
# The organisation roles granted by command or by the environment, in the order they are named
# (department heads come from the organisation chart, members are everyone).
GRANTED_ROLES: tuple[Role, ...] = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
# Supervision acts (assign, urge, decide, review, bulletins).
SUPERVISION_ROLES: tuple[Role, ...] = (Role.LEADER, Role.SUPERVISOR)
OFFICE_FIRST: tuple[Role, ...] = (Role.SUPERVISOR, Role.LEADER)  # the office acts, a leader may too
# The office's desk: the supervision office and the system's administrator (archiving, the office's view
# of App Home, warnings about the working-day calendar).
OFFICE_ROLES: tuple[Role, ...] = (Role.SUPERVISOR, Role.ADMIN)
# May see a confidential item's title and texts (besides its participants).
CLEARED_ROLES: tuple[Role, ...] = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)

EVERYONE: frozenset[Grant] = frozenset({Role.MEMBER})  # every active person counts as a member
OWNERS: frozenset[Grant] = frozenset({Relation.LEAD_OWNER, Relation.CO_OWNER})
OVERSEERS: frozenset[Grant] = frozenset(SUPERVISION_ROLES)
LEADERS: frozenset[Grant] = frozenset({Role.LEADER})
CLEARED_RELATIONS = frozenset(
    {Relation.LEAD_OWNER, Relation.CO_OWNER, Relation.FYI_RECIPIENT, Relation.ASSIGNER, Relation.PARTICIPANT}
)


@dataclass(frozen=True, slots=True)
class Rule:
    grants: frozenset[Grant]
    label: str  # the ``actions.<label>`` catalog key the refusal names
    refusal: str = "not_allowed"  # error code when a person lacks every grant
    named: tuple[Role, ...] = ()  # the roles a refusal names, in this order (default: leader first)
    about_item: bool = True  # False: an organisation-wide act; any item given is ignored

    def roles(self) -> tuple[Role, ...]:
        return self.named or tuple(r for r in GRANTED_ROLES if r in self.grants)


RULES: dict[Action, Rule] = {
    Action.ASSIGN: Rule(OVERSEERS, "assign", about_item=False),
    Action.NEW: Rule(OVERSEERS, "assign", about_item=False),
    Action.LIST_ALL: Rule(frozenset(CLEARED_ROLES), "list_all", about_item=False),
    Action.SHOW: Rule(EVERYONE, "show"),
    Action.REPORT: Rule(OWNERS, "report", refusal="not_owner"),
    Action.URGE: Rule(OVERSEERS, "urge"),
    Action.EXTEND: Rule(OWNERS, "request_extension", refusal="not_owner"),
    Action.DECIDE_EXTENSION: Rule(OVERSEERS, "extend", named=OFFICE_FIRST),
    Action.REVIEW: Rule(OVERSEERS, "review_reports", named=OFFICE_FIRST),
    Action.APPROVE_PROPOSAL: Rule(LEADERS, "decide_proposals"),
    Action.INSTRUCT: Rule(LEADERS, "instruct"),
    Action.WITHDRAW: Rule(OVERSEERS | {Relation.ASSIGNER}, "withdraw"),
    Action.EDIT: Rule(OVERSEERS | {Relation.ASSIGNER}, "edit"),
    Action.REASSIGN: Rule(OVERSEERS | {Relation.ASSIGNER}, "reassign"),
    Action.BULLETIN: Rule(OVERSEERS, "bulletin_post", about_item=False),
    Action.ARCHIVE: Rule(frozenset(OFFICE_ROLES), "archive"),
    Action.EXPORT: Rule(EVERYONE, "export", about_item=False),
    Action.HOLIDAY: Rule(frozenset({Role.ADMIN}), "holiday", about_item=False),
    Action.ADMIN: Rule(frozenset({Role.ADMIN}), "admin", about_item=False),
}


def relations(person: Person | str, item: Item, *, heads: Collection[str] = ()) -> frozenset[Relation]:
    """The person's relations to the item. ``heads``: user ids of the heads of the owners' departments
    (only the caller can look them up; leave empty when it does not matter)."""
    user_id = person if isinstance(person, str) else person.user_id
    found: set[Relation] = set()
    owner = item.owner(user_id)
    if owner is not None:
        if item.fyi:
            found.add(Relation.FYI_RECIPIENT)
        elif owner is item.lead:
            found.add(Relation.LEAD_OWNER)
        else:
            found.add(Relation.CO_OWNER)
    if user_id == item.assigner_id:
        found.add(Relation.ASSIGNER)
    if user_id in item.participants:
        found.add(Relation.PARTICIPANT)
    if user_id in heads:
        found.add(Relation.DEPT_HEAD)
    return frozenset(found)


def cleared(person: Person, item: Item | None = None) -> bool:
    """May ``person`` read the title and texts of ``item`` (of any item when ``item`` is None)?"""
    if person.has_any(*CLEARED_ROLES):
        return True
    if item is None:
        return False
    return not item.confidential or bool(relations(person, item) & CLEARED_RELATIONS)


def _grants(person: Person, item: Item | None, heads: Collection[str]) -> set[Grant]:
    held: set[Grant] = {*person.roles, Role.MEMBER}
    if item is not None:
        held |= relations(person, item, heads=heads)
    return held


def allowed(person: Person, action: Action, item: Item | None = None, *, heads: Collection[str] = ()) -> bool:
    """True when the table lets ``person`` do ``action`` (on ``item``, when the action is about one)."""
    if person.deleted or person.is_bot:
        return False
    if not RULES[action].about_item:
        item = None
    if item is not None and not cleared(person, item):
        return False  # nothing at all on a confidential item one may not even read
    return bool(_grants(person, item, heads) & RULES[action].grants)


def require(actor: Person, action: Action, item: Item | None = None, *, heads: Collection[str] = ()) -> None:
    """Raise the domain's refusal unless the table allows it.

    A confidential item the actor may not read is refused as "not found" (its existence is not
    confirmed); a missing role as ``not_allowed`` naming the roles that may; a missing relation as
    the rule's own refusal (``not_owner``).
    """
    rule = RULES[action]
    if actor.deleted or actor.is_bot:
        raise PermissionDenied("user_inactive")
    if not rule.about_item:
        item = None
    if item is not None and not cleared(actor, item):
        raise NotFound("item_not_found", ref=str(item.number))
    if allowed(actor, action, item, heads=heads):
        return
    roles = rule.roles()
    if rule.refusal == "not_owner" and item is not None:
        raise DomainError("not_owner", number=str(item.number))
    if not roles:
        raise PermissionDenied("not_allowed_here", action=rule.label)
    raise PermissionDenied("not_allowed", roles=roles, action=rule.label)


def require_item(actor: Person, item: Item | None, label: str) -> Item:
    """The item, when it exists and the actor may read it; otherwise "not found" (same answer both ways)."""
    if item is None or not cleared(actor, item):
        raise NotFound("item_not_found", ref=label)
    return item


def role_holders_order(action: Action) -> tuple[Role, ...]:
    """The roles the table grants ``action``, the office first: whom to pick when someone must be named
    for it (e.g. the assigner of an imported ledger row)."""
    grants = RULES[action].grants
    return tuple(r for r in dict.fromkeys((*OFFICE_FIRST, *GRANTED_ROLES)) if r in grants)
