"""The registry (bodies, zones, units, projects), rule set versions and what is in force."""

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
)

from services.routing.orm.base import metadata
from shared.db import UTCDateTime

bodies = Table(
    "bodies",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(120), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("level", String(20), nullable=False),
    Column("region", String(6), nullable=False),
    Column("parent_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("active", Boolean, nullable=False),
    # A zone's code; zones name their coordinating body, so no foreign key either way.
    Column("zone", String(64), nullable=True),
    Index("ix_bodies_kind_level_region", "kind", "level", "region"),
)

zones = Table(
    "zones",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("region", String(6), nullable=False),
    Column("coordinator_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("active", Boolean, nullable=False),
)

units = Table(
    "units",
    metadata,
    Column("credit_code", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("region", String(6), nullable=False),
    Column("leaders_level", String(20), nullable=False),
    Column("dispatched_group_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("township_commission_id", Uuid, ForeignKey("bodies.id"), nullable=True),
    Column("aliases", JSON, nullable=False),
    Column("active", Boolean, nullable=False),
)

projects = Table(
    "projects",
    metadata,
    Column("code", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("body_id", Uuid, ForeignKey("bodies.id"), nullable=False),
    Column("unit_codes", JSON, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=True),
    Column("status", String(20), nullable=False),
)

rule_sets = Table(
    "rule_sets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("version", String(64), nullable=False, unique=True),
    Column("digest", String(64), nullable=False),
    Column("source", Text, nullable=False),
    Column("description", Text, nullable=True),
    Column("uploaded_at", UTCDateTime(), nullable=False),
    Column("uploaded_by", String(200), nullable=False),
    Column("activated_at", UTCDateTime(), nullable=True),
)

# One row (id 1): what every decision reads with its clue, so a process sees an activation or a
# registry change on its next decision and reloads only then.
routing_state = Table(
    "routing_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("active_rule_set_id", Uuid, ForeignKey("rule_sets.id"), nullable=True),
    Column("registry_generation", Uuid, nullable=False),
    Column("changed_at", UTCDateTime(), nullable=False),
)
