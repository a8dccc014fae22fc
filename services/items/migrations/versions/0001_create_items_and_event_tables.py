"""Create the items table, and what the service keeps of the users service's events and keys:
processed events, event cursors, token refusals, revoked tokens and the cached key set.

Revision ID: 0001
Revises:
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=2000), nullable=False),
        sa.Column("created_date", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_date", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    op.create_index("ix_items_owner_id_id", "items", ["owner_id", "id"])
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_events")),
    )
    op.create_index(op.f("ix_processed_events_applied_at"), "processed_events", ["applied_at"])
    op.create_table(
        "event_cursor",
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("position", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("source", name=op.f("pk_event_cursor")),
    )
    op.create_table(
        "token_refusals",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_token_refusals")),
    )
    op.create_index(op.f("ix_token_refusals_expires_at"), "token_refusals", ["expires_at"])
    op.create_table(
        "revoked_tokens",
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=128), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "value", name=op.f("pk_revoked_tokens")),
    )
    op.create_index(op.f("ix_revoked_tokens_expires_at"), "revoked_tokens", ["expires_at"])
    op.create_table(
        "jwks_cache",
        sa.Column("url", sa.String(length=512), nullable=False),
        sa.Column("keys", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_jwks_cache")),
    )


def downgrade() -> None:
    op.drop_table("jwks_cache")
    op.drop_index(op.f("ix_revoked_tokens_expires_at"), table_name="revoked_tokens")
    op.drop_table("revoked_tokens")
    op.drop_index(op.f("ix_token_refusals_expires_at"), table_name="token_refusals")
    op.drop_table("token_refusals")
    op.drop_table("event_cursor")
    op.drop_index(op.f("ix_processed_events_applied_at"), table_name="processed_events")
    op.drop_table("processed_events")
    op.drop_index("ix_items_owner_id_id", table_name="items")
    op.drop_table("items")
