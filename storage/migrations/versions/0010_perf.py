"""Indexes for lists done by the database: a person's items (owner rows by user, items by assigner) and
open items by deadline.

Revision ID: 0010
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_item_owners_user_id", "item_owners", ["user_id", "item_id"])
    op.create_index("ix_items_assigner_id", "items", ["assigner_id"])
    op.create_index("ix_items_state_current_due", "items", ["state", "current_due"])


def downgrade() -> None:
    op.drop_index("ix_items_state_current_due", table_name="items")
    op.drop_index("ix_items_assigner_id", table_name="items")
    op.drop_index("ix_item_owners_user_id", table_name="item_owners")
