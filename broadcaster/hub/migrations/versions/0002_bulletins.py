"""Bulletins down the chain: hub users get keys (sealed under their passphrase) and a login lock; stations get
their administrative area and drill mode; bulletins, and their deliveries to stations with each one's state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("users", sa.Column("public_key", sa.LargeBinary))
    op.add_column("users", sa.Column("sealed_key", JSONB))
    op.add_column("users", sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"))
    op.add_column("users", sa.Column("locked_until", TZ))
    op.add_column("stations", sa.Column("name", sa.Text, nullable=False, server_default=""))
    op.add_column("stations", sa.Column("area", sa.String(5)))
    op.add_column("stations", sa.Column("district", sa.String(3)))
    op.add_column("stations", sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_index("stations_by_area", "stations", ["area"])
    op.create_table(
        "bulletins",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(64), nullable=False, unique=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text),
        sa.Column("clip", sa.LargeBinary),
        sa.Column("clip_format", sa.String(16)),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("outputs", JSONB, nullable=False, server_default="[]"),
        sa.Column("valid_from", TZ, nullable=False),
        sa.Column("valid_until", TZ, nullable=False),
        sa.Column("drill", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("replaces", sa.String(64)),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("cap_identifier", sa.Text, unique=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("statement", JSONB, nullable=False),
        sa.Column("approved_by", sa.String(64)),
        sa.Column("approved_at", TZ),
        sa.Column("approval", JSONB),
        sa.Column("cancelled_by", sa.String(64)),
        sa.Column("cancelled_at", TZ),
        sa.Column("cancellation", JSONB),
        sa.Column("stations", JSONB, nullable=False, server_default="[]"))
    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("bulletin_id", sa.BigInteger, sa.ForeignKey("bulletins.id", ondelete="CASCADE"), nullable=False),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("envelope", JSONB, nullable=False),
        sa.Column("accepted_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ),
        sa.Column("on_air_at", TZ),
        sa.Column("failed_at", TZ),
        sa.Column("reason", sa.Text),
        sa.UniqueConstraint("bulletin_id", "station", "kind", name="deliveries_once"))
    op.create_index("deliveries_by_station", "deliveries", ["station", "id"])


def downgrade() -> None:
    op.drop_table("deliveries")
    op.drop_table("bulletins")
    op.drop_index("stations_by_area", "stations")
    for column in ("drill", "district", "area", "name"):
        op.drop_column("stations", column)
    for column in ("locked_until", "failed_logins", "sealed_key", "public_key"):
        op.drop_column("users", column)
