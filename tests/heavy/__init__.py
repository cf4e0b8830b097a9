"""Slow end-to-end checks, run with `make test-heavy` (marker `heavy`)."""
