"""Typed settings: user preferences apart from remembered window state (STYLE.md §21)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

SETTINGS_VERSION = 1
MAX_RECENT = 8

_VERSION_KEY = "settings_version"
_RECENT_KEY = "files/recent"
_LAST_DIR_KEY = "files/last_dir"
_REOPEN_KEY = "preferences/reopen_last"


@dataclass
class Preferences:
    """What the user chooses.

    Attributes:
        reopen_last: Open the most recent workspace on start.
    """

    reopen_last: bool = True


class Settings:
    """Reads and writes the app's QSettings with types and defaults.

    The organisation and application names are set once in ``ui.app.main``; tests switch
    QStandardPaths to test mode so real settings are never touched.
    """

    def __init__(self, store: QSettings | None = None) -> None:
        self._store = store if store is not None else QSettings()
        self._migrate()

    def _value(self, key: str, default: object) -> object:
        return self._store.value(key, default)

    def _migrate(self) -> None:
        raw = self._value(_VERSION_KEY, 0)
        version = int(raw) if isinstance(raw, int | str) and str(raw).isdigit() else 0
        if version < SETTINGS_VERSION:
            self._store.setValue(_VERSION_KEY, SETTINGS_VERSION)

    # -- preferences -------------------------------------------------------------------

    def preferences(self) -> Preferences:
        """Return the user's preferences."""
        raw = self._value(_REOPEN_KEY, True)
        # QSettings hands back "true"/"false" strings from INI files.
        reopen = raw if isinstance(raw, bool) else str(raw).lower() not in {"false", "0"}
        return Preferences(reopen_last=reopen)

    def set_preferences(self, preferences: Preferences) -> None:
        """Store the user's preferences."""
        self._store.setValue(_REOPEN_KEY, preferences.reopen_last)

    # -- recent files ------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        """Return recent workspaces, newest first, dropping ones that no longer exist."""
        raw = self._value(_RECENT_KEY, [])
        items = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) and raw else []
        paths = [Path(str(p)) for p in items]
        return [p for p in paths if p.exists()][:MAX_RECENT]

    def add_recent_file(self, path: Path) -> None:
        """Put `path` at the top of the recent list."""
        path = path.absolute()
        paths = [p for p in self.recent_files() if p != path]
        self._store.setValue(_RECENT_KEY, [str(p) for p in [path, *paths][:MAX_RECENT]])

    def clear_recent_files(self) -> None:
        """Forget all recent workspaces."""
        self._store.setValue(_RECENT_KEY, [])

    def last_directory(self) -> str:
        """Return the folder of the last file dialog, or the home folder."""
        return str(self._value(_LAST_DIR_KEY, str(Path.home())))

    def set_last_directory(self, folder: Path) -> None:
        """Remember the folder of the last file dialog."""
        self._store.setValue(_LAST_DIR_KEY, str(folder))

    # -- remembered window state -------------------------------------------------------

    def state(self, owner: str, key: str) -> QByteArray | None:
        """Return saved UI state (geometry, splitter, header) for `owner`."""
        value = self._store.value(f"state/{owner}/{key}")
        return value if isinstance(value, QByteArray) else None

    def set_state(self, owner: str, key: str, value: QByteArray) -> None:
        """Save UI state for `owner`."""
        self._store.setValue(f"state/{owner}/{key}", value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._store.sync()
