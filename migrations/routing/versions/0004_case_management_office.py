"""routing as the case-management office: registry, rule sets, ledger, transfers, links, audit

The single decision row per clue of 0001 becomes a clue record (`clues`) and a history of
decisions (`routing_decisions`, one row per stage); existing rows are carried over as stage 1.

Revision ID: 0004
Revises: 0003
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = "routing_audit is append-only"


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    op.drop_index("ix_routing_decisions_status_decided", table_name="routing_decisions")
    op.rename_table("routing_decisions", "routing_decisions_v1")
    if _postgresql():
        op.execute("ALTER INDEX routing_decisions_pkey RENAME TO routing_decisions_v1_pkey")
        op.execute(
            "ALTER INDEX routing_decisions_clue_id_key RENAME TO routing_decisions_v1_clue_id_key"
        )
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.alter_column(
            "code", existing_type=sa.String(40), type_=sa.String(64), existing_nullable=False
        )
        batch_op.add_column(sa.Column("zone", sa.String(64), nullable=True))
    _registry_tables()
    _ledger_tables()
    _audit_table()
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.String(500), nullable=False),
        sa.Column("loaded_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("year"),
    )
    _carry_over_decisions()
    op.drop_table("routing_decisions_v1")


def _registry_tables() -> None:
    op.create_table(
        "zones",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("coordinator_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        sa.ForeignKeyConstraint(["coordinator_id"], ["bodies.id"]),
    )
    op.create_table(
        "units",
        sa.Column("credit_code", sa.String(18), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("region", sa.String(6), nullable=False),
        sa.Column("leaders_level", sa.String(20), nullable=False),
        sa.Column("dispatched_group_id", sa.Uuid(), nullable=True),
        sa.Column("township_commission_id", sa.Uuid(), nullable=True),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("credit_code"),
        sa.ForeignKeyConstraint(["dispatched_group_id"], ["bodies.id"]),
        sa.ForeignKeyConstraint(["township_commission_id"], ["bodies.id"]),
    )
    op.create_table(
        "projects",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("unit_codes", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("code"),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"]),
    )
    op.create_table(
        "rule_sets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("uploaded_at", UTC_DATETIME, nullable=False),
        sa.Column("uploaded_by", sa.String(200), nullable=False),
        sa.Column("activated_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version"),
    )
    state = op.create_table(
        "routing_state",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("active_rule_set_id", sa.Uuid(), nullable=True),
        sa.Column("registry_generation", sa.Uuid(), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["active_rule_set_id"], ["rule_sets.id"]),
    )
    row = {"id": 1, "registry_generation": uuid.uuid4(), "changed_at": datetime.now(UTC)}
    op.bulk_insert(state, [row])


def _ledger_tables() -> None:
    op.create_table(
        "clues",
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=False),
        sa.Column("received_at", UTC_DATETIME, nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("agency_name", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("status_sequence", sa.Integer(), nullable=False),
        sa.Column("current_decision_id", sa.Uuid(), nullable=True),
        sa.Column("lead_body_id", sa.Uuid(), nullable=True),
        sa.Column("co_body_ids", sa.JSON(), nullable=False),
        sa.Column("kept", sa.JSON(), nullable=True),
        sa.Column("excluded_body_ids", sa.JSON(), nullable=False),
        sa.Column("queued_at", UTC_DATETIME, nullable=True),
        sa.Column("pending_handoff_id", sa.Uuid(), nullable=True),
        sa.Column("concluded_at", UTC_DATETIME, nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("clue_id"),
    )
    op.create_index("ix_clues_queue", "clues", ["status", "queued_at", "clue_id"])
    op.create_index("ix_clues_received", "clues", ["received_at", "clue_id"])
    op.create_table(
        "routing_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("lead_body_id", sa.Uuid(), nullable=True),
        sa.Column("co_body_ids", sa.JSON(), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("rule_set_version", sa.String(64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sender_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", UTC_DATETIME, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("kept", sa.JSON(), nullable=True),
        sa.Column("part", sa.Text(), nullable=True),
        sa.Column("handoff_of", sa.Uuid(), nullable=True),
        sa.Column("from_body_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clue_id", "stage", name="uq_routing_decisions_clue_stage"),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.clue_id"]),
        sa.ForeignKeyConstraint(["lead_body_id"], ["bodies.id"]),
    )
    op.create_table(
        "clue_returns",
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("decision_id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("returned_at", UTC_DATETIME, nullable=False),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.Column("rerouted_as", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("assignment_id"),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.clue_id"]),
    )
    op.create_index("ix_clue_returns_clue", "clue_returns", ["clue_id"])
    _transfers_and_keys()


def _transfers_and_keys() -> None:
    op.create_table(
        "transfers",
        sa.Column("handoff_id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("from_decision_id", sa.Uuid(), nullable=False),
        sa.Column("from_body_id", sa.Uuid(), nullable=False),
        sa.Column("target_body_id", sa.Uuid(), nullable=True),
        sa.Column("target_name", sa.Text(), nullable=True),
        sa.Column("mode", sa.String(10), nullable=False),
        sa.Column("kept_part", sa.Text(), nullable=True),
        sa.Column("transferred_part", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", UTC_DATETIME, nullable=False),
        sa.Column("recorded_at", UTC_DATETIME, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("refusal", sa.Text(), nullable=True),
        sa.Column("decision_id", sa.Uuid(), nullable=True),
        sa.Column("to_body_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_at", UTC_DATETIME, nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("acknowledged_at", UTC_DATETIME, nullable=True),
        sa.Column("acknowledged_assignment_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("handoff_id"),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.clue_id"]),
    )
    op.create_index("ix_transfers_decision", "transfers", ["decision_id"])
    op.create_index("ix_transfers_due", "transfers", ["status", "due_at"])
    op.create_table(
        "subject_keys",
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id_hash", sa.String(128), nullable=True),
        sa.Column("name_unit", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("clue_id", "position"),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.clue_id"]),
    )
    op.create_index("ix_subject_keys_id_hash", "subject_keys", ["id_hash"])
    op.create_index("ix_subject_keys_name_unit", "subject_keys", ["name_unit"])


def _audit_table() -> None:
    op.create_table(
        "routing_audit",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_key", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_routing_audit_entity", "routing_audit", ["entity", "entity_key", "id"])
    if _postgresql():
        op.execute(
            "CREATE FUNCTION routing_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER routing_audit_append_only BEFORE UPDATE OR DELETE ON routing_audit "
            "FOR EACH ROW EXECUTE FUNCTION routing_audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER routing_audit_no_truncate BEFORE TRUNCATE ON routing_audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION routing_audit_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER routing_audit_no_{verb.lower()} BEFORE {verb} ON routing_audit "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def _carry_over_decisions() -> None:
    """Each 0001 row becomes a clue and its stage-1 decision, in the dialect's JSON syntax."""
    if _postgresql():
        facts = (
            "json_build_object('clue_id', clue_id, 'receipt_number', receipt_number, "
            "'agency_id', agency_id, 'agency_name', agency_name, 'received_at', decided_at, "
            "'subjects', subjects, 'category', category, 'channel', channel, "
            "'summary', summary, 'region', region)"
        )
        rules, empty = "json_build_array(rule)", "'[]'::json"
    else:
        received = "replace(decided_at, ' ', 'T') || '+00:00'"
        facts = (
            "json_object('clue_id', clue_id, 'receipt_number', receipt_number, "
            f"'agency_id', agency_id, 'agency_name', agency_name, 'received_at', {received}, "
            "'subjects', json(subjects), 'category', category, 'channel', channel, "
            "'summary', summary, 'region', region)"
        )
        rules, empty = "json_array(rule)", "'[]'"
    op.execute(
        "INSERT INTO clues (clue_id, receipt_number, received_at, agency_id, agency_name, "
        "region, category, channel, facts, status, stage, status_sequence, current_decision_id, "
        "lead_body_id, co_body_ids, kept, excluded_body_ids, queued_at, pending_handoff_id, "
        "concluded_at, updated_at) "
        f"SELECT clue_id, receipt_number, decided_at, agency_id, agency_name, region, category, "
        f"channel, {facts}, status, 1, 1, id, lead_body_id, co_body_ids, NULL, {empty}, "
        "CASE WHEN status = 'pending_review' THEN decided_at END, NULL, NULL, decided_at "
        "FROM routing_decisions_v1"
    )
    op.execute(
        "INSERT INTO routing_decisions (id, clue_id, stage, kind, outcome, lead_body_id, "
        "co_body_ids, rules, rule_set_version, reason, sender_reason, decided_at, decided_by, "
        "kept, part, handoff_of, from_body_id) "
        "SELECT id, clue_id, 1, 'initial', "
        "CASE WHEN status = 'routed' THEN 'route' ELSE 'review' END, lead_body_id, "
        f"co_body_ids, {rules}, NULL, reason, '', decided_at, NULL, NULL, NULL, NULL, NULL "
        "FROM routing_decisions_v1"
    )


def downgrade() -> None:
    op.create_table(
        "routing_decisions_v1",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("receipt_number", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("lead_body_id", sa.Uuid(), nullable=True),
        sa.Column("co_body_ids", sa.JSON(), nullable=False),
        sa.Column("rule", sa.String(120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", UTC_DATETIME, nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=False),
        sa.Column("agency_id", sa.Uuid(), nullable=False),
        sa.Column("agency_name", sa.Text(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="routing_decisions_v1_pkey"),
        sa.UniqueConstraint("clue_id", name="routing_decisions_v1_clue_id_key"),
        sa.ForeignKeyConstraint(["lead_body_id"], ["bodies.id"]),
    )
    _carry_back_decisions()
    for table in ("subject_keys", "transfers", "clue_returns", "routing_decisions", "clues"):
        op.drop_table(table)
    op.drop_table("routing_audit")
    if _postgresql():
        op.execute("DROP FUNCTION routing_audit_append_only()")
    for table in ("calendar_years", "routing_state", "rule_sets", "projects", "units", "zones"):
        op.drop_table(table)
    with op.batch_alter_table("bodies", schema=None) as batch_op:
        batch_op.drop_column("zone")
        batch_op.alter_column(
            "code", existing_type=sa.String(64), type_=sa.String(40), existing_nullable=False
        )
    op.rename_table("routing_decisions_v1", "routing_decisions")
    if _postgresql():
        op.execute("ALTER INDEX routing_decisions_v1_pkey RENAME TO routing_decisions_pkey")
        op.execute(
            "ALTER INDEX routing_decisions_v1_clue_id_key RENAME TO routing_decisions_clue_id_key"
        )
    op.create_index(
        "ix_routing_decisions_status_decided", "routing_decisions", ["status", "decided_at", "id"]
    )


def _carry_back_decisions() -> None:
    """Each clue's current decision back into the one-row shape of 0001."""
    if _postgresql():
        rule, summary, subjects = "d.rules->>0", "c.facts->>'summary'", "c.facts->'subjects'"
        no_subjects = "json_build_array()"
    else:
        rule = "json_extract(d.rules, '$[0]')"
        summary = "json_extract(c.facts, '$.summary')"
        subjects = "json_extract(c.facts, '$.subjects')"
        no_subjects = "'[]'"
    op.execute(
        "INSERT INTO routing_decisions_v1 (id, clue_id, receipt_number, status, lead_body_id, "
        "co_body_ids, rule, reason, decided_at, category, channel, summary, region, agency_id, "
        "agency_name, subjects) "
        "SELECT d.id, c.clue_id, c.receipt_number, "
        "CASE WHEN d.lead_body_id IS NULL THEN 'pending_review' ELSE 'routed' END, "
        f"d.lead_body_id, d.co_body_ids, COALESCE({rule}, 'none'), d.reason, d.decided_at, "
        f"c.category, c.channel, COALESCE({summary}, ''), c.region, c.agency_id, c.agency_name, "
        f"COALESCE({subjects}, {no_subjects}) "
        "FROM clues c JOIN routing_decisions d ON d.id = c.current_decision_id"
    )
