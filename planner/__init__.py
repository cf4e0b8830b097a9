"""Magnet Planner core: domain, rules, storage and planning, with no Qt."""

__version__ = "0.1.0"
