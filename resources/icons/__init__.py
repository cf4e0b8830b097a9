"""Bundled SVG icons (stroke colour follows the palette at load time)."""
