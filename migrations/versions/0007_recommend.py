"""Recommendations: the catalog, interactions and the tastes users chose.

The models are plugins.recommend.tables.RecItemRow, RecInteractionRow and RecTasteRow.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rec_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(255), nullable=False),
        sa.Column("title_ru", sa.String(255), nullable=True),
        sa.Column("genres", sa.String(500), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rec_items"),
        sa.UniqueConstraint("external_id", name="uq_rec_items_external_id"),
    )
    op.create_index("ix_rec_items_kind", "rec_items", ["kind"])
    op.create_table(
        "rec_interactions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("external_user", sa.String(64), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rec_interactions"),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["rec_items.id"],
            name="fk_rec_interactions_item_id_rec_items",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_rec_interactions_user_id", "rec_interactions", ["user_id"])
    op.create_index("ix_rec_interactions_external_user", "rec_interactions", ["external_user"])
    op.create_index("ix_rec_interactions_item_id", "rec_interactions", ["item_id"])
    op.create_table(
        "rec_tastes",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("genres", sa.String(500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_rec_tastes"),
    )


def downgrade() -> None:
    op.drop_table("rec_tastes")
    op.drop_index("ix_rec_interactions_item_id", table_name="rec_interactions")
    op.drop_index("ix_rec_interactions_external_user", table_name="rec_interactions")
    op.drop_index("ix_rec_interactions_user_id", table_name="rec_interactions")
    op.drop_table("rec_interactions")
    op.drop_index("ix_rec_items_kind", table_name="rec_items")
    op.drop_table("rec_items")
