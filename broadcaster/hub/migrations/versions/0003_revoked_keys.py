"""Every station key the hub revoked, kept for good: a key once revoked never joins again, whatever key the
station has moved to since.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_keys",
        sa.Column("public_key", sa.LargeBinary, primary_key=True),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
    )
    # The keys revoked before this table: those of the stations revoked now.
    op.execute("INSERT INTO revoked_keys (public_key, station, revoked_at) SELECT public_key, id, revoked_at "
               "FROM stations WHERE revoked_at IS NOT NULL AND public_key IS NOT NULL")


def downgrade() -> None:
    op.drop_table("revoked_keys")
