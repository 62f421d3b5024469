"""Core tables.

Users, chats, the interaction and reply logs, feedback, audit, dialogue state, and
APScheduler 3.11's job store table (so the scheduler never creates it itself).

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Timestamps are ``DateTime(timezone=True)`` (the models wrap it in ``UTCDateTime``).
Constraint and index names follow ``bot.storage.base.NAMING_CONVENTION``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("username", sa.String(255), nullable=True),
        sa.Column("display_name", sa.String(255), nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("role", sa.String(16), server_default=sa.text("'user'"), nullable=False),
        sa.Column("settings", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_seen_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
    )

    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(255), nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
    )

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("external_update_id", sa.String(64), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("intent", sa.String(64), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("slots", sa.JSON(), nullable=True),
        sa.Column("plugin", sa.String(64), nullable=True),
        sa.Column("latency_ms", sa.JSON(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _timestamp("created_at"),
        _timestamp("finished_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_messages"),
        sa.UniqueConstraint("event_id", name="uq_messages_event_id"),
        sa.UniqueConstraint(
            "channel", "external_update_id", name="uq_messages_channel_external_update_id"
        ),
    )
    for column in ("trace_id", "chat_id", "user_id", "intent", "outcome", "created_at"):
        op.create_index(f"ix_messages_{column}", "messages", [column])

    op.create_table(
        "replies",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trace_id", sa.String(32), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("external_message_id", sa.String(64), nullable=True),
        _timestamp("created_at"),
        _timestamp("delivered_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_replies"),
    )
    for column in ("trace_id", "chat_id", "status"):
        op.create_index(f"ix_replies_{column}", "replies", [column])

    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=True),
        sa.Column("trace_id", sa.String(32), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.ForeignKeyConstraint(["reply_id"], ["replies.id"], name="fk_feedback_reply_id_replies"),
    )

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(255), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_created_at", "audit_log", ["created_at"])

    op.create_table(
        "dialogue_state",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("state", sa.JSON(), nullable=False),
        _timestamp("updated_at"),
        sa.PrimaryKeyConstraint("chat_id", "user_id", name="pk_dialogue_state"),
    )

    # Exactly apscheduler.jobstores.sqlalchemy.SQLAlchemyJobStore's table (APScheduler 3.11).
    op.create_table(
        "apscheduler_jobs",
        sa.Column("id", sa.Unicode(191), nullable=False),
        sa.Column("next_run_time", sa.Float(25), nullable=True),
        sa.Column("job_state", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_apscheduler_jobs"),
    )
    op.create_index("ix_apscheduler_jobs_next_run_time", "apscheduler_jobs", ["next_run_time"])


def downgrade() -> None:
    # Dropping a table drops its indexes; feedback goes before replies (foreign key).
    for table in (
        "apscheduler_jobs",
        "dialogue_state",
        "audit_log",
        "feedback",
        "replies",
        "messages",
        "chats",
        "users",
    ):
        op.drop_table(table)
