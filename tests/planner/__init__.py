"""Tests of the planner package (no Qt)."""
