"""Magnet Planner desktop interface (PySide6)."""
