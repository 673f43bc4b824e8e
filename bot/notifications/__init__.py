"""The seam between the process and the chat platform: who hears about what.

``table.NOTICES`` maps every kind of notice (``NoticeKind``) to its audience (by role, ownership,
department, clearance), its redaction rule, its message builder and its idempotency key;
``Notifier`` resolves the audience, redacts per recipient with the one clearance rule of
``bot.domain.permissions`` and writes the outbox rows in the caller's unit of work. Services name the
kind and the facts; they do not choose readers or render the notices moved here.
"""

from bot.notifications.kinds import Audience, NoticeKind, NoticeRule, Redaction
from bot.notifications.notifier import Notifier, stored_person
from bot.notifications.table import NOTICES, URGE_KINDS

__all__ = [
    "NOTICES",
    "URGE_KINDS",
    "Audience",
    "NoticeKind",
    "NoticeRule",
    "Notifier",
    "Redaction",
    "stored_person",
]
