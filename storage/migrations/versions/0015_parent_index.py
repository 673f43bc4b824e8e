"""An index for an item's sub-items (``show`` lists them): only the few rows that have a parent.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HAS_PARENT = sa.text("parent_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_items_parent_id",
        "items",
        ["parent_id"],
        postgresql_where=_HAS_PARENT,
        sqlite_where=_HAS_PARENT,
    )


def downgrade() -> None:
    op.drop_index("ix_items_parent_id", table_name="items")
