"""Where a role came from: the environment (re-synced at every start) or a command (kept until revoked).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_roles") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=False, server_default="command"))


def downgrade() -> None:
    with op.batch_alter_table("user_roles") as batch:
        batch.drop_column("source")
