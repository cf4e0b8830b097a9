"""The only module that knows where bundled files are: icons and the app icon."""

from __future__ import annotations

from functools import cache
from importlib import resources

from PySide6.QtCore import QByteArray, QDir, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
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


def _render(svg: str, size: int, ratio: float) -> QPixmap:
    pixmap = QPixmap(QSize(round(size * ratio), round(size * ratio)))
    pixmap.fill(Qt.GlobalColor.transparent)
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    with QPainter(pixmap) as painter:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter, QRectF(0, 0, pixmap.width(), pixmap.height()))
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


@cache
def icon(name: str, color: str | None = None) -> QIcon:
    """Return a bundled icon, its strokes in `color` or the palette's text colour.

    Pixmaps are rendered at 1× and 2× so icons stay crisp on high-DPI screens.
    """
    if color is None:
        color = STATUS_COLORS.get(name) or _palette_text()
    svg = _svg(name).replace("currentColor", color)
    result = QIcon()
    for size in (16, 20, 24, 32):
        for ratio in (1.0, 2.0):
            result.addPixmap(_render(svg, size, ratio))
    return result


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
    result = QIcon()
    svg = _svg("app")
    for size in (16, 24, 32, 48, 64, 128, 256):
        result.addPixmap(_render(svg, size, 1.0))
    return result
