"""The declarative base of the items service's tables, on the kit's naming convention."""

from __future__ import annotations

from service_kit.db.types import NAMING_CONVENTION
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
