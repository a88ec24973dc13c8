"""The whole assignment aggregate, one assignment per (decision, body), notes, the audit chain.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Timestamp = sa.DateTime(timezone=True)
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS = "0" * 64
NO_DUE = "2100-01-01T00:00:00+00:00"
CHINA = timezone(timedelta(hours=8))


def upgrade() -> None:
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("next_due_at", Timestamp, nullable=True))
        batch_op.add_column(sa.Column("alarm_at", Timestamp, nullable=True))
        batch_op.add_column(sa.Column("escalated_at", Timestamp, nullable=True))
        batch_op.add_column(
            sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("disposition", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(16), nullable=True))
        batch_op.add_column(sa.Column("received_month", sa.String(7), nullable=True))
        batch_op.add_column(sa.Column("concluded_month", sa.String(7), nullable=True))
        batch_op.add_column(sa.Column("handed_off_to", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "repeat_of_concluded", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    _carry_over_sign_for_clocks()
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.alter_column("document", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("next_due_at", existing_type=Timestamp, nullable=False)
        batch_op.alter_column("received_month", existing_type=sa.String(7), nullable=False)
        for name in ("stage", "version", "provisional", "repeat_of_concluded"):
            batch_op.alter_column(name, server_default=None)
        batch_op.drop_constraint("uq_assignments_clue_body", type_="unique")
        batch_op.create_unique_constraint(
            "uq_assignments_decision_body", ["decision_id", "body_id"]
        )
        batch_op.drop_column("sign_for_due_at")
        batch_op.drop_column("sign_for_due_provisional")
        batch_op.create_index("ix_assignments_body_due", ["body_id", "next_due_at", "id"])
        batch_op.create_index("ix_assignments_clue", ["clue_id"])
        batch_op.create_index("ix_assignments_alarm", ["alarm_at"])
    _notes()
    _audit()


def _carry_over_sign_for_clocks() -> None:
    """Rows written before this revision kept only their sign-for deadline: it becomes their
    one clock, in the document format of services/casework/assignments/records.py."""
    table = sa.table(
        "assignments",
        sa.column("id", sa.Uuid()),
        sa.column("state", sa.String()),
        sa.column("assigned_at", Timestamp),
        sa.column("sign_for_due_at", Timestamp),
        sa.column("sign_for_due_provisional", sa.Boolean()),
        sa.column("document", sa.JSON()),
        sa.column("next_due_at", Timestamp),
        sa.column("alarm_at", Timestamp),
        sa.column("received_month", sa.String()),
    )
    conn = op.get_bind()
    for row in conn.execute(sa.select(table)).all():
        started, due = _aware(row.assigned_at), _aware(row.sign_for_due_at)
        running = row.state == "assigned"
        clock = _sign_for_clock(started, due, bool(row.sign_for_due_provisional))
        if not running:
            clock["stopped_at"] = started.isoformat()
        values = {
            "document": {"clocks": [clock]},
            "next_due_at": due if running else datetime.fromisoformat(NO_DUE),
            "alarm_at": due if running else None,
            "received_month": started.astimezone(CHINA).strftime("%Y-%m"),
        }
        conn.execute(sa.update(table).where(table.c.id == row.id).values(values))


def _aware(value: datetime | str) -> datetime:
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _sign_for_clock(started: datetime, due: datetime, provisional: bool) -> dict[str, object]:
    due_on = (due - timedelta(microseconds=1)).astimezone(CHINA).date()
    first = (started + timedelta(days=1)).astimezone(CHINA).year
    return {
        "key": "sign_for",
        "kind": "sign_for",
        "started_at": started.isoformat(),
        "basis_at": started.isoformat(),
        "basis": [{"working_days": 3}],
        "deadline": {
            "due_on": due_on.isoformat(),
            "due_at": due.isoformat(),
            "provisional": provisional,
            "depends_on": list(range(first, due_on.year + 1)),
        },
    }


def _notes() -> None:
    op.create_table(
        "assignment_notes",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("clue_id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visibility", sa.String(10), nullable=False),
    )
    op.create_index(
        "ix_assignment_notes_assignment", "assignment_notes", ["assignment_id", "at"]
    )


def _audit() -> None:
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("at", Timestamp, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_audit_log_assignment", "audit_log", ["assignment_id", "seq"])
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "hash": GENESIS}])
    op.create_table(
        "audit_checks",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("checked_at", Timestamp, nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("broken_seq", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(200), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("audit_checks")
    op.drop_table("audit_head")
    op.drop_index("ix_audit_log_assignment", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_assignment_notes_assignment", table_name="assignment_notes")
    op.drop_table("assignment_notes")
    # Rows under a later decision of the same clue and body would break the old key: the
    # downgrade keeps the earliest assignment of each (clue, body) only where they collide.
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sign_for_due_at", Timestamp, nullable=True))
        batch_op.add_column(sa.Column("sign_for_due_provisional", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE assignments SET sign_for_due_at = assigned_at, sign_for_due_provisional = false"
    )
    op.execute(
        "DELETE FROM assignments WHERE id IN (SELECT a.id FROM assignments a JOIN assignments b "
        "ON a.clue_id = b.clue_id AND a.body_id = b.body_id AND a.assigned_at > b.assigned_at)"
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.alter_column("sign_for_due_at", existing_type=Timestamp, nullable=False)
        batch_op.alter_column(
            "sign_for_due_provisional", existing_type=sa.Boolean(), nullable=False
        )
        batch_op.drop_index("ix_assignments_alarm")
        batch_op.drop_index("ix_assignments_clue")
        batch_op.drop_index("ix_assignments_body_due")
        batch_op.drop_constraint("uq_assignments_decision_body", type_="unique")
        batch_op.create_unique_constraint("uq_assignments_clue_body", ["clue_id", "body_id"])
        for name in (
            "repeat_of_concluded",
            "handed_off_to",
            "concluded_month",
            "received_month",
            "outcome",
            "disposition",
            "provisional",
            "escalated_at",
            "alarm_at",
            "next_due_at",
            "document",
            "version",
            "stage",
        ):
            batch_op.drop_column(name)
