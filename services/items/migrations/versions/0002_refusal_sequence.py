"""Number the token refusals, so each worker keeps them in memory and reads only the new ones:
a ``seq`` column on token_refusals and revoked_tokens, and the one-row refusal_sequence the
consumer moves on in the same transaction as the refusals it writes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sequence = op.create_table(
        "refusal_sequence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refusal_sequence")),
    )
    op.bulk_insert(sequence, [{"id": 1, "value": 0}])
    for table in ("token_refusals", "revoked_tokens"):
        # Rows written before this revision count as number 0: a worker's first load takes them.
        op.add_column(table, sa.Column("seq", sa.Integer(), nullable=False, server_default="0"))
        op.create_index(op.f(f"ix_{table}_seq"), table, ["seq"])


def downgrade() -> None:
    for table in ("revoked_tokens", "token_refusals"):
        op.drop_index(op.f(f"ix_{table}_seq"), table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column("seq")
    op.drop_table("refusal_sequence")
