"""Add the indexes of the user search: trigram indexes for `q`, and created_date for `sort`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it,
        # no superuser needed.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_users_username_trgm ON users USING gin (lower(username) gin_trgm_ops)")
        op.execute("CREATE INDEX ix_users_email_trgm ON users USING gin (lower(email) gin_trgm_ops)")
    else:
        # SQLite has no trigram index; these keep the schema the same as the models'.
        op.execute("CREATE INDEX ix_users_username_trgm ON users (lower(username))")
        op.execute("CREATE INDEX ix_users_email_trgm ON users (lower(email))")
    op.create_index("ix_users_created_date", "users", ["created_date"])


def downgrade() -> None:
    op.drop_index("ix_users_created_date", table_name="users")
    op.drop_index("ix_users_email_trgm", table_name="users")
    op.drop_index("ix_users_username_trgm", table_name="users")
    # The extension stays: other schemas of the database may use it.
