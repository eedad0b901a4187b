"""The hub's tables, as SQLAlchemy Core sees them (the migrations in ``migrations/`` create them)."""

from __future__ import annotations

from sqlalchemy import (BigInteger, Boolean, Column, DateTime, Float, ForeignKey, Integer, LargeBinary, MetaData,
                        String, Table, Text, UniqueConstraint)
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
    Column("name", Text, nullable=False, server_default=""),            # the commune's name, as people say it
    Column("area", String(5)),                                          # the commune's administrative code
    Column("district", String(3)),                                      # its district's code (None: none)
    Column("drill", Boolean, nullable=False, server_default="false"),   # airs Test and Exercise bulletins
)

revoked_keys = Table(
    "revoked_keys", metadata,
    Column("public_key", LargeBinary, primary_key=True),  # a station key revoked: it never joins again
    Column("station", String(64), nullable=False),
    Column("revoked_at", DateTime(timezone=True), nullable=False),
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
    Column("public_key", LargeBinary),                   # the person's Ed25519 key, with which they sign
    Column("sealed_key", JSONB),                         # its private half sealed under their passphrase
    Column("failed_logins", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True)),
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


bulletins = Table(
    "bulletins", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("uid", String(64), nullable=False, unique=True),      # the bulletin's public id (see bulletin_protocol)
    Column("title", Text, nullable=False),
    Column("text", Text),                                         # a text to be read by the station's TTS...
    Column("clip", LargeBinary),                                  # ... or a recorded clip
    Column("clip_format", String(16)),
    Column("language", String(16), nullable=False),
    Column("topic", String(64), nullable=False),
    Column("level", String(16), nullable=False),                  # normal, priority or emergency
    Column("outputs", JSONB, nullable=False, server_default="[]"),  # output names; none: every output
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True), nullable=False),
    Column("drill", Boolean, nullable=False, server_default="false"),  # a Test or Exercise: drill stations only
    Column("replaces", String(64)),                               # the uid of the bulletin it updates
    Column("source", String(16), nullable=False),                 # cli, web or cap
    Column("cap_identifier", Text, unique=True),                  # sender,identifier,sent of its CAP alert
    Column("created_by", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("statement", JSONB, nullable=False),                   # the officer's signed bulletin
    Column("approved_by", String(64)),
    Column("approved_at", DateTime(timezone=True)),
    Column("approval", JSONB),                                    # the approver's signed approval
    Column("cancelled_by", String(64)),
    Column("cancelled_at", DateTime(timezone=True)),
    Column("cancellation", JSONB),                                # the signed cancellation
    Column("stations", JSONB, nullable=False, server_default="[]"),  # station ids it is for, as chosen
)

deliveries = Table(
    "deliveries", metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),  # a station's cursor: the last id it took
    Column("bulletin_id", BigInteger, ForeignKey("bulletins.id", ondelete="CASCADE"), nullable=False),
    Column("station", String(64), nullable=False),
    Column("kind", String(16), nullable=False),                   # bulletin or cancel
    Column("envelope", JSONB, nullable=False),                    # what the station is sent, signed by the hub
    Column("accepted_at", DateTime(timezone=True), nullable=False),  # the hub took it for the station
    Column("delivered_at", DateTime(timezone=True)),              # the station verified and took it
    Column("on_air_at", DateTime(timezone=True)),                 # its first airing in the station's log
    Column("failed_at", DateTime(timezone=True)),
    Column("reason", Text),                                       # why it failed, in the station's words
    UniqueConstraint("bulletin_id", "station", "kind", name="deliveries_once"),
)
