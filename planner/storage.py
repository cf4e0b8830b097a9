"""Open, create and check workspace databases (SQLite file by default, any SQLAlchemy URL).

A workspace file is refused, untouched, when it is not SQLite, not ours, damaged or written by
a newer schema. Checks run on a read-only connection before anything can write to the file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

# The newest schema revision; a test checks it matches the Alembic head. Knowing it without
# importing Alembic (~0.15 s) keeps opening an up-to-date workspace fast.
SCHEMA_REVISION = "0001"
# "MGPL": stamped into the SQLite header so foreign files are told apart from ours.
APPLICATION_ID = 0x4D47504C
SQLITE_MAGIC = b"SQLite format 3\x00"


class WorkspaceErrorKind(StrEnum):
    """Why a workspace could not be opened."""

    MISSING = "missing"
    NOT_A_WORKSPACE = "not_a_workspace"
    DAMAGED = "damaged"
    NEWER = "newer"
    EXISTS = "exists"
    LOCKED = "locked"


class WorkspaceError(Exception):
    """A workspace that cannot be opened or created, with a message for the user.

    Attributes:
        kind: The category of the failure.
        location: The file or URL concerned.
    """

    def __init__(self, kind: WorkspaceErrorKind, location: str, message: str) -> None:
        super().__init__(f"{location}: {message}")
        self.kind = kind
        self.location = location
        self.message = message


@dataclass(frozen=True)
class Location:
    """Where a workspace lives: a SQLite file path or a database URL."""

    url: str
    path: Path | None

    @classmethod
    def of(cls, target: str | Path) -> Location:
        """Interpret a file path or an SQLAlchemy URL (``postgresql://…`` for team mode)."""
        text = str(target)
        if "://" in text:
            path = Path(text.split("///", 1)[1]) if text.startswith("sqlite:///") else None
            return cls(url=text, path=path)
        path = Path(text).expanduser().absolute()
        return cls(url=f"sqlite:///{path}", path=path)

    def __str__(self) -> str:
        return str(self.path) if self.path is not None else self.url


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    location = resources.files("planner").joinpath("migrations")
    cfg.set_main_option("script_location", str(location))
    return cfg


def head_revision() -> str:
    """Return the newest schema revision this version of the app knows."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships migrations
        raise RuntimeError("no migrations shipped")
    return head


def known_revisions() -> set[str]:
    """Return every schema revision this version of the app can migrate from."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return {rev.revision for rev in script.walk_revisions()}


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in (
        "foreign_keys = ON",
        "journal_mode = WAL",
        "synchronous = FULL",
        "busy_timeout = 5000",
        "trusted_schema = OFF",
        "cell_size_check = ON",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def make_engine(location: Location) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys, FULL sync and a defensive setup."""
    # Imported here: checking a file and the first paint's read (planner.quickread) need no
    # SQLAlchemy, whose import costs ~0.15 s at start-up (`make bench`).
    from sqlalchemy import create_engine, event

    if location.url.startswith("sqlite"):
        engine = create_engine(location.url)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    return create_engine(location.url, pool_pre_ping=True)


def check_sqlite_file(path: Path) -> str | None:
    """Check a file before opening it for writing; return its schema revision.

    Raises:
        WorkspaceError: the file is missing, foreign, damaged or from a newer version.
    """
    where = str(path)
    if not path.is_file():
        raise WorkspaceError(WorkspaceErrorKind.MISSING, where, "no such file")
    with path.open("rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise WorkspaceError(
            WorkspaceErrorKind.NOT_A_WORKSPACE,
            where,
            "this is not a Magnet Planner workspace (not an SQLite database)",
        )
    try:
        revision = _read_only_checks(path)
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(
            WorkspaceErrorKind.DAMAGED, where, f"the workspace is damaged ({exc})"
        ) from exc
    if revision not in (None, SCHEMA_REVISION) and revision not in known_revisions():
        raise WorkspaceError(
            WorkspaceErrorKind.NEWER,
            where,
            f"written by a newer Magnet Planner (schema {revision}); this version knows "
            f"schemas up to {head_revision()}. Install the newer version to open it.",
        )
    return revision


def _read_only_checks(path: Path) -> str | None:
    uri = f"{path.as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise WorkspaceError(
                WorkspaceErrorKind.NOT_A_WORKSPACE,
                str(path),
                "this SQLite database is not a Magnet Planner workspace",
            )
        result = conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"integrity check: {result}")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return str(row[0]) if row else None
    finally:
        conn.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (creates it in an empty database)."""
    from alembic import command

    cfg = _alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
    if engine.dialect.name == "sqlite":
        with engine.begin() as connection:
            connection.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def backup_sqlite(path: Path, target: Path) -> None:
    """Copy a live SQLite workspace consistently (WAL included) with the backup API."""
    source = sqlite3.connect(path)
    dest = sqlite3.connect(target)
    try:
        with dest:
            source.backup(dest)
    finally:
        dest.close()
        source.close()
