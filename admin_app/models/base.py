"""Declarative base, naming convention and the column helpers every table shares."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, MetaData, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# `info=AUDITED` on a column (or relationship) lets the audit trail record its old and new values. Every other
# field is recorded by name only: a new field is private by default (victims' identity, free text, identifiers).
AUDITED = {"audit": "value"}


def audit_records_value(model_class, key: str) -> bool:
    """True when the field `key` of `model_class` is declared AUDITED (its values may enter the audit trail)."""
    from sqlalchemy import inspect

    attr = inspect(model_class).attrs.get(key)
    if attr is None:
        return False
    infos = [attr.info] + [getattr(c, "info", {}) for c in getattr(attr, "columns", ())]
    return any(info.get("audit") == "value" for info in infos)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC times")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, server_default=func.now())


class VersionedMixin:
    """Optimistic locking: an UPDATE based on an old version matches no row and is refused (no lost edits).

    Subclasses add their own mapper arguments (polymorphism) in `__extra_mapper_args__`.
    """

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        args = {"version_id_col": cls.__table__.c.version}
        args.update(cls.__dict__.get("__extra_mapper_args__", {}))
        return args


def str_enum(enum_cls, name: str) -> SAEnum:
    """Store a str Enum by value as VARCHAR with a CHECK constraint (portable, readable in SQL)."""
    return SAEnum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
