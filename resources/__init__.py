"""Data files shipped with Magnet Planner, read through importlib.resources."""
