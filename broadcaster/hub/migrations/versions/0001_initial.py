"""The first schema: stations, enrolment codes, users and roles, log records with their daily rollup, heartbeats.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "hub_identity",
        sa.Column("id", sa.Integer, primary_key=True),   # one row: the key of the hub serving this database
        sa.Column("public_key", sa.LargeBinary, nullable=False),
        sa.Column("since", TZ, nullable=False))
    op.create_table(
        "stations",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("public_key", sa.LargeBinary),
        sa.Column("enrolled_at", TZ), sa.Column("revoked_at", TZ), sa.Column("last_seen", TZ),
        sa.Column("counter", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("log_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("log_hash", sa.String(64)))
    op.create_table(
        "enrolment_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("station", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False), sa.Column("expires_at", TZ, nullable=False),
        sa.Column("used_at", TZ))
    op.create_table(
        "users",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("full_name", sa.Text, nullable=False, server_default=""),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("area", sa.String(32), nullable=False),
        sa.Column("created_at", TZ, nullable=False))
    op.create_table(
        "user_roles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_name", sa.String(64), sa.ForeignKey("users.name", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("station", sa.String(64)))
    op.create_table(
        "log_records",
        sa.Column("station", sa.String(64), primary_key=True), sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False), sa.Column("day", sa.String(10), nullable=False),
        sa.Column("at", sa.Text), sa.Column("announcement", sa.Text), sa.Column("output", sa.Text),
        sa.Column("topic", sa.Text), sa.Column("language", sa.Text), sa.Column("status", sa.String(16)),
        sa.Column("trigger", sa.String(16)), sa.Column("duration_s", sa.Float),
        sa.Column("hash", sa.String(64), nullable=False), sa.Column("record", JSONB, nullable=False),
        sa.Column("received_at", TZ, nullable=False))
    op.create_index("log_records_by_day", "log_records", ["day", "station"])
    op.create_table(
        "airing_daily",
        *[sa.Column(name, sa.Text, primary_key=True) for name in
          ("station", "day", "announcement", "output", "topic", "language", "trigger", "status")],
        sa.Column("airings", sa.BigInteger, nullable=False), sa.Column("seconds", sa.Float, nullable=False))
    op.create_index("airing_daily_by_day", "airing_daily", ["day"])
    op.create_table(
        "heartbeats",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("station", sa.String(64), nullable=False), sa.Column("received_at", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False), sa.Column("health", JSONB, nullable=False))
    op.create_index("heartbeats_by_station", "heartbeats", ["station", "received_at"])
    op.create_table(
        "latest_heartbeats",
        sa.Column("station", sa.String(64), primary_key=True), sa.Column("received_at", TZ, nullable=False),
        sa.Column("status", sa.String(16), nullable=False), sa.Column("health", JSONB, nullable=False))


def downgrade() -> None:
    for table in ("latest_heartbeats", "heartbeats", "airing_daily", "log_records", "user_roles", "users",
                  "enrolment_codes", "stations", "hub_identity"):
        op.drop_table(table)
