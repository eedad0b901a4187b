"""The hub's tables, as SQLAlchemy Core sees them (the migrations in ``migrations/`` create them)."""

from __future__ import annotations

from sqlalchemy import (BigInteger, Column, DateTime, Float, Integer, LargeBinary, MetaData, String, Table,
                        Text)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData()

hub_identity = Table(
    "hub_identity", metadata,
    Column("id", Integer, primary_key=True),          # one row: the key of the hub that serves this database
    Column("public_key", LargeBinary, nullable=False),
    Column("since", DateTime(timezone=True), nullable=False),
)

stations = Table(
    "stations", metadata,
    Column("id", String(64), primary_key=True),
    Column("public_key", LargeBinary),            # pinned at join; NULL until the station joins
    Column("enrolled_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_seen", DateTime(timezone=True)),
    Column("counter", BigInteger, nullable=False, server_default="0"),  # the last request counter accepted
    Column("log_seq", BigInteger, nullable=False, server_default="0"),  # the last record held, in order
    Column("log_hash", String(64)),                                     # ... and its hash, to link the next
)

enrolment_codes = Table(
    "enrolment_codes", metadata,
    Column("code_hash", String(64), primary_key=True),   # SHA-256 of the code: the code itself is never kept
    Column("station", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

users = Table(
    "users", metadata,
    Column("name", String(64), primary_key=True),
    Column("full_name", Text, nullable=False, server_default=""),
    Column("level", String(16), nullable=False),         # province, district or commune
    Column("area", String(32), nullable=False),          # the administrative code of that province/district/commune
    Column("created_at", DateTime(timezone=True), nullable=False),
)

user_roles = Table(
    "user_roles", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_name", String(64), nullable=False),
    Column("role", String(32), nullable=False),
    Column("station", String(64)),                       # NULL: every station in the user's area
)

log_records = Table(
    "log_records", metadata,
    Column("station", String(64), primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("at", Text),
    Column("announcement", Text),
    Column("output", Text),
    Column("topic", Text),
    Column("language", Text),
    Column("status", String(16)),
    Column("trigger", String(16)),
    Column("duration_s", Float),
    Column("hash", String(64), nullable=False),
    Column("record", JSONB, nullable=False),            # the signed record exactly as the station sent it
    Column("received_at", DateTime(timezone=True), nullable=False),
)

airing_daily = Table(
    "airing_daily", metadata,
    *[Column(name, Text, primary_key=True) for name in
      ("station", "day", "announcement", "output", "topic", "language", "trigger", "status")],
    Column("airings", BigInteger, nullable=False),
    Column("seconds", Float, nullable=False),
)

heartbeats = Table(
    "heartbeats", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("station", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("health", JSONB, nullable=False),
)

latest_heartbeats = Table(
    "latest_heartbeats", metadata,
    Column("station", String(64), primary_key=True),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("health", JSONB, nullable=False),
)

