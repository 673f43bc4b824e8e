"""Register fields the regulations require (登记要素): 收文日期, 文号, 立项依据.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.add_column(sa.Column("received_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("doc_number", sa.String(100), server_default="", nullable=False))
        batch.add_column(sa.Column("basis", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("items") as batch:
        batch.drop_column("basis")
        batch.drop_column("doc_number")
        batch.drop_column("received_on")
