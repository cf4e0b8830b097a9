"""Alembic environment: runs on the connection the workspace hands over."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import context

from planner.schema import Base

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if _connection is None:  # pragma: no cover - only for `alembic revision --autogenerate`
    from sqlalchemy import create_engine

    _engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with _engine.begin() as _conn:
        _run(_conn)
else:
    _run(_connection)
