"""Who may correct items: one small function per action, so a central permissions table can replace them."""

from __future__ import annotations

from bot.domain.errors import PermissionDenied
from bot.domain.items import Role
from bot.domain.people import Person

# Leaders and the supervision office (督查室: supervisors, with admins).
CORRECTOR_ROLES = (Role.LEADER, Role.SUPERVISOR, Role.ADMIN)


def authorise_withdraw(actor: Person) -> None:
    if not actor.has_any(*CORRECTOR_ROLES):
        raise PermissionDenied("not_allowed", roles=CORRECTOR_ROLES, action="withdraw")


def authorise_edit(actor: Person) -> None:
    if not actor.has_any(*CORRECTOR_ROLES):
        raise PermissionDenied("not_allowed", roles=CORRECTOR_ROLES, action="edit")


def authorise_reassign(actor: Person) -> None:
    if not actor.has_any(*CORRECTOR_ROLES):
        raise PermissionDenied("not_allowed", roles=CORRECTOR_ROLES, action="reassign")


def deactivation_recipients_role() -> Role:
    """Who is asked to reassign the open items of someone who left the workspace."""
    return Role.SUPERVISOR


def authorise_assign_from_message(actor: Person) -> None:
    """The "督办 this message" form is refused before it opens to whoever may not assign."""
    roles = (Role.LEADER, Role.SUPERVISOR)
    if not actor.has_any(*roles):
        raise PermissionDenied("not_allowed", roles=roles, action="assign")
