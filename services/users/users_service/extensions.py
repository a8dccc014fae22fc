"""Extensions are created unbound here and bound to an app in ``create_app``."""

from __future__ import annotations

from typing import Any, TypeAlias

from flask import request
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Services accept a plain Session (tests, scripts) or Flask-SQLAlchemy's scoped ``db.session``.
DbSession: TypeAlias = Session | scoped_session[Any]


def client_ip() -> str:
    """The caller's address; ProxyFix has already applied the one trusted proxy hop."""
    return request.remote_addr or "unknown"


class _SQLAlchemy(SQLAlchemy):
    def _teardown_session(self, exc: BaseException | None) -> None:
        # The response is already chosen. A connection that died meanwhile (database
        # restart) must not escape from the teardown as gunicorn's own HTML 500.
        try:
            self.session.remove()
        except SQLAlchemyError:
            self.session.registry.clear()


db = _SQLAlchemy(model_class=Base)
migrate = Migrate()
limiter = Limiter(key_func=client_ip)
