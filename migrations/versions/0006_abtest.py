"""A/B experiments: their designs and who met them.

The models are plugins.abtest.tables.ExperimentRow and ExposureRow.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "abtest_experiments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("parameter", sa.String(128), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("primary_metric", sa.String(64), nullable=False),
        sa.Column("guardrails", sa.JSON(), nullable=False),
        sa.Column("mde", sa.Float(), nullable=False),
        sa.Column("planned_n", sa.Integer(), nullable=True),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_abtest_experiments"),
        sa.UniqueConstraint("name", name="uq_abtest_experiments_name"),
    )
    op.create_index("ix_abtest_experiments_parameter", "abtest_experiments", ["parameter"])
    op.create_index("ix_abtest_experiments_status", "abtest_experiments", ["status"])
    op.create_table(
        "abtest_exposures",
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("variant", sa.String(64), nullable=False),
        sa.Column("exposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("experiment_id", "user_id", name="pk_abtest_exposures"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["abtest_experiments.id"],
            name="fk_abtest_exposures_experiment_id_abtest_experiments",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("abtest_exposures")
    op.drop_index("ix_abtest_experiments_status", table_name="abtest_experiments")
    op.drop_index("ix_abtest_experiments_parameter", table_name="abtest_experiments")
    op.drop_table("abtest_experiments")
