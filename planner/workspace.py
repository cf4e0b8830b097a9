"""A workspace: one planning data set in a database, changed only through audited operations."""

from __future__ import annotations

import getpass
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import delete as sa_delete
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from planner import __version__
from planner.schema import AuditEntry, Base, Meta
from planner.storage import (
    SCHEMA_REVISION,
    Location,
    WorkspaceError,
    WorkspaceErrorKind,
    check_sqlite_file,
    make_engine,
    migrate,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

RecordT = TypeVar("RecordT", bound=Base)


class ChangeKind(StrEnum):
    """What an operation did to its entity."""

    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"
    RESET = "reset"


@dataclass(frozen=True)
class Change:
    """What an operation changed, so views refresh only that.

    Attributes:
        entity: Table name of the changed records.
        kind: Insert, update, delete, or reset (many rows, reload the entity).
        ids: Primary keys concerned (a tuple for composite keys).
        fields: Columns changed, for updates.
    """

    entity: str
    kind: ChangeKind
    ids: Sequence[Any] = ()
    fields: tuple[str, ...] = ()


class ValidationError(ValueError):
    """An edit the workspace refuses; `field` names the offending column when known."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def record_dict(record: Base) -> dict[str, Any]:
    """Return a record's columns as a JSON-ready dict (for the audit log and exports)."""
    mapper = inspect(type(record))
    return {col.key: _jsonable(getattr(record, col.key)) for col in mapper.column_attrs}


def _primary_key(record: Base) -> Any:
    identity = inspect(record).identity
    if identity is None:
        return None
    return identity[0] if len(identity) == 1 else identity


class Workspace:
    """An open workspace.

    Attributes:
        location: Where the data lives.
        user: Name written into the audit log.
    """

    def __init__(self, location: Location, *, user: str | None = None) -> None:
        self.location = location
        self.user = user or getpass.getuser()
        self.engine = make_engine(location)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    # -- lifecycle ---------------------------------------------------------------------

    @classmethod
    def create(
        cls, target: str | Path, *, name: str | None = None, user: str | None = None
    ) -> Workspace:
        """Create a new, empty workspace; an existing file is never overwritten."""
        location = Location.of(target)
        if location.path is not None and location.path.exists():
            raise WorkspaceError(
                WorkspaceErrorKind.EXISTS, str(location), "a file with this name already exists"
            )
        if location.path is not None:
            location.path.parent.mkdir(parents=True, exist_ok=True)
        workspace = cls(location, user=user)
        migrate(workspace.engine)
        default_name = location.path.stem if location.path is not None else "Workspace"
        with workspace.transaction() as session:
            now = datetime.now(UTC).isoformat(timespec="seconds")
            for key, value in (
                ("name", name or default_name),
                ("created_at", now),
                ("created_by_version", __version__),
                ("period_bucket", "month"),
            ):
                session.add(Meta(key=key, value=value))
        return workspace

    @classmethod
    def open(cls, target: str | Path, *, user: str | None = None) -> Workspace:
        """Open an existing workspace, migrating an older schema after a backup.

        Raises:
            WorkspaceError: the file is missing, foreign, damaged or from a newer version;
                the file is left exactly as it was.
        """
        location = Location.of(target)
        revision: str | None = None
        if location.path is not None:
            revision = check_sqlite_file(location.path)
            if revision is None:
                raise WorkspaceError(
                    WorkspaceErrorKind.DAMAGED, str(location), "the workspace has no schema"
                )
        workspace = cls(location, user=user)
        if revision == SCHEMA_REVISION:
            return workspace
        try:
            migrate(workspace.engine)
        except OperationalError as exc:
            workspace.close()
            raise WorkspaceError(
                WorkspaceErrorKind.DAMAGED, str(location), f"cannot update schema ({exc.orig})"
            ) from exc
        return workspace

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @property
    def path(self) -> Path | None:
        """The workspace file, or None for a server database."""
        return self.location.path

    @property
    def name(self) -> str:
        """The workspace's display name."""
        return self.meta("name") or "Workspace"

    # -- transactions and audit --------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Run one operation in one transaction; roll back everything on any error."""
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except IntegrityError as exc:
            raise ValidationError(f"refused by the workspace: {exc.orig}") from exc
        finally:
            session.close()

    def audit(
        self,
        session: Session,
        *,
        operation: str,
        entity: str,
        entity_id: Any,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        """Append an audit row in the caller's transaction."""
        session.add(
            AuditEntry(
                at=datetime.now(UTC).isoformat(timespec="milliseconds"),
                who=self.user,
                operation=operation,
                entity=entity,
                entity_id=str(entity_id),
                before=before,
                after=after,
            )
        )

    # -- generic audited mutations -----------------------------------------------------

    def insert(self, record: RecordT, *, operation: str) -> tuple[RecordT, Change]:
        """Insert one record, audited; return it with its new key."""
        with self.transaction() as session:
            session.add(record)
            session.flush()
            key = _primary_key(record)
            self.audit(
                session,
                operation=operation,
                entity=record.__tablename__,
                entity_id=key,
                before=None,
                after=record_dict(record),
            )
        return record, Change(record.__tablename__, ChangeKind.INSERT, (key,))

    def insert_many(self, records: Sequence[Base], *, operation: str) -> Change:
        """Insert several records in one transaction (one undo step, one audit row each)."""
        if not records:
            return Change("", ChangeKind.INSERT)
        keys: list[Any] = []
        with self.transaction() as session:
            session.add_all(records)
            session.flush()
            for record in records:
                keys.append(_primary_key(record))
                self.audit(
                    session,
                    operation=operation,
                    entity=record.__tablename__,
                    entity_id=keys[-1],
                    before=None,
                    after=record_dict(record),
                )
        return Change(records[0].__tablename__, ChangeKind.INSERT, tuple(keys))

    def update(
        self, model: type[RecordT], key: Any, values: dict[str, Any], *, operation: str
    ) -> Change:
        """Change some columns of one record, audited with before and after."""
        columns = {col.key for col in inspect(model).column_attrs}
        unknown = set(values) - columns
        if unknown:
            raise ValidationError(
                f"unknown field(s) {sorted(unknown)} for {model.__tablename__}"
            )
        with self.transaction() as session:
            record = session.get(model, key)
            if record is None:
                raise ValidationError(f"{model.__tablename__} {key} no longer exists")
            before = record_dict(record)
            for name, value in values.items():
                setattr(record, name, value)
            session.flush()
            self.audit(
                session,
                operation=operation,
                entity=model.__tablename__,
                entity_id=key,
                before={k: before[k] for k in values},
                after={k: _jsonable(v) for k, v in values.items()},
            )
        return Change(model.__tablename__, ChangeKind.UPDATE, (key,), tuple(values))

    def delete(self, model: type[RecordT], key: Any, *, operation: str) -> Change:
        """Delete one record, audited with what it held."""
        with self.transaction() as session:
            record = session.get(model, key)
            if record is None:
                raise ValidationError(f"{model.__tablename__} {key} no longer exists")
            before = record_dict(record)
            session.delete(record)
            session.flush()
            self.audit(
                session,
                operation=operation,
                entity=model.__tablename__,
                entity_id=key,
                before=before,
                after=None,
            )
        return Change(model.__tablename__, ChangeKind.DELETE, (key,))

    def delete_where(self, model: type[RecordT], *criteria: Any, operation: str) -> Change:
        """Delete every record matching the criteria in one transaction, audited."""
        with self.transaction() as session:
            rows = list(session.scalars(select(model).where(*criteria)))
            for row in rows:
                self.audit(
                    session,
                    operation=operation,
                    entity=model.__tablename__,
                    entity_id=_primary_key(row),
                    before=record_dict(row),
                    after=None,
                )
            session.execute(sa_delete(model).where(*criteria))
        return Change(model.__tablename__, ChangeKind.RESET)

    # -- queries -----------------------------------------------------------------------

    def all(self, model: type[RecordT], *order_by: Any) -> list[RecordT]:
        """Return every record of a table, detached, in the given order."""
        with self._sessions() as session:
            query = select(model)
            if order_by:
                query = query.order_by(*order_by)
            return list(session.scalars(query))

    def get(self, model: type[RecordT], key: Any) -> RecordT | None:
        """Return one record by primary key, detached, or None."""
        with self._sessions() as session:
            return session.get(model, key)

    def count(self, model: type[Base]) -> int:
        """Return the number of records in a table."""
        with self._sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    def meta(self, key: str) -> str | None:
        """Return one workspace setting."""
        record = self.get(Meta, key)
        return record.value if record is not None else None

    def set_meta(self, key: str, value: str) -> Change:
        """Change one workspace setting, audited."""
        if self.get(Meta, key) is None:
            self.insert(Meta(key=key, value=value), operation="set setting")
            return Change("meta", ChangeKind.UPDATE, (key,), ("value",))
        return self.update(Meta, key, {"value": value}, operation="set setting")
