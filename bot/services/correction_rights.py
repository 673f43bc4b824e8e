"""Who may correct items: the permissions table's rules for withdraw, edit and reassign ; called before the
item is loaded, so the roles decide (an item, when given, adds its relations and clearance)."""

from __future__ import annotations

from bot.domain import permissions
from bot.domain.items import Item
from bot.domain.people import Person


def authorise_withdraw(actor: Person, item: Item | None = None) -> None:
    permissions.require(actor, permissions.Action.WITHDRAW, item)


def authorise_edit(actor: Person, item: Item | None = None) -> None:
    permissions.require(actor, permissions.Action.EDIT, item)


def authorise_reassign(actor: Person, item: Item | None = None) -> None:
    permissions.require(actor, permissions.Action.REASSIGN, item)


def authorise_assign_from_message(actor: Person) -> None:
    """The "督办 this message" form is refused before it opens to whoever may not assign."""
    permissions.require(actor, permissions.Action.ASSIGN)
