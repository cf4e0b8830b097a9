"""Tests of the desktop interface (pytest-qt, offscreen)."""
