"""The declarative base every table of the users service derives from."""

from __future__ import annotations

from service_kit.db.types import NAMING_CONVENTION
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
