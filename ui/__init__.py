"""Magnet Planner desktop interface (PySide6)."""

# Import the data layer before PySide6: once shiboken6 is loaded it hooks every later import,
# which made loading SQLAlchemy and the planner ~0.15 s slower at start-up (`make bench`).
import sqlalchemy.dialects.sqlite  # noqa: F401

import planner.parts
import planner.workspace
import planner.workspace_rules  # noqa: F401
