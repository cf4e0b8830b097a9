"""The only module that knows where bundled files are: icons and the app icon."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QDir, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

_ICON_DIR = resources.files("resources").joinpath("icons")

# Semantic colours that read on light and dark palettes alike.
STATUS_COLORS = {
    "required": "#d0433a",
    "not-required": "#2e8b57",
    "unverified": "#d98e04",
    "warning": "#d98e04",
    "error": "#d0433a",
    "info": "#3b7dd8",
}


def icon_names() -> list[str]:
    """Return the names of all bundled icons."""
    return sorted(p.name[:-4] for p in _ICON_DIR.iterdir() if p.name.endswith(".svg"))


def register_search_path() -> None:
    """Make bundled icons reachable as "icons:NAME.svg" (call once at start-up)."""
    QDir.addSearchPath("icons", str(_ICON_DIR))


def _svg(name: str) -> str:
    path = _ICON_DIR.joinpath(f"{name}.svg")
    if not path.is_file():
        raise KeyError(f"unknown icon {name!r}; known: {', '.join(icon_names())}")
    return path.read_text(encoding="utf-8")


def _render(svg: str, size: QSize) -> QPixmap:
    pixmap = QPixmap(size)
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    with QPainter(pixmap) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    return pixmap


class _SvgIconEngine(QIconEngine):
    """Renders an SVG at exactly the size asked for, on first use (crisp at any DPI)."""

    def __init__(self, svg: str) -> None:
        super().__init__()
        self._svg = svg
        self._cache: dict[tuple[int, int, int], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        """Reimplemented from QIconEngine.pixmap."""
        key = (size.width(), size.height(), int(mode.value))
        if key not in self._cache:
            pixmap = _render(self._svg, size)
            if mode == QIcon.Mode.Disabled:
                pixmap = _faded(pixmap)
            self._cache[key] = pixmap
        return self._cache[key]

    def paint(
        self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State
    ) -> None:
        """Reimplemented from QIconEngine.paint."""
        ratio = painter.device().devicePixelRatioF()
        size = QSize(round(rect.width() * ratio), round(rect.height() * ratio))
        pixmap = self.pixmap(size, mode, state)
        painter.drawPixmap(rect, pixmap)

    def availableSizes(
        self, mode: QIcon.Mode = QIcon.Mode.Normal, state: QIcon.State = QIcon.State.Off
    ) -> list[QSize]:
        """Reimplemented from QIconEngine.availableSizes: any size renders crisply."""
        return [QSize(s, s) for s in (16, 20, 24, 32, 48, 64, 128, 256)]

    def clone(self) -> QIconEngine:
        """Reimplemented from QIconEngine.clone."""
        return _SvgIconEngine(self._svg)


def _faded(pixmap: QPixmap) -> QPixmap:
    result = QPixmap(pixmap.size())
    result.fill(Qt.GlobalColor.transparent)
    with QPainter(result) as painter:
        painter.setOpacity(0.4)
        painter.drawPixmap(0, 0, pixmap)
    return result


@cache
def icon(name: str, color: str | None = None) -> QIcon:
    """Return a bundled icon, its strokes in `color` or the palette's text colour.

    Icons render lazily at the exact size and device pixel ratio they are drawn at, so
    start-up pays nothing for icons not yet on screen and high-DPI screens stay crisp.
    """
    if color is None:
        color = STATUS_COLORS.get(name) or _palette_text()
    return QIcon(_SvgIconEngine(_svg(name).replace("currentColor", color)))


def _palette_text() -> str:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        text = app.palette().color(QPalette.ColorRole.WindowText)
        base = app.palette().color(QPalette.ColorRole.Window)
        # A softened text colour: icons should not shout louder than labels.
        mixed = QColor(
            (text.red() * 3 + base.red()) // 4,
            (text.green() * 3 + base.green()) // 4,
            (text.blue() * 3 + base.blue()) // 4,
        )
        return mixed.name()
    return "#4a5563"


def app_icon() -> QIcon:
    """Return the application icon."""
    return QIcon(_SvgIconEngine(_svg("app")))
