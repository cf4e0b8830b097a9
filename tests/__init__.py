"""Magnet Planner tests."""
