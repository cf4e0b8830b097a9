"""Tests of the magnet parts table: model, proxy, delegates, paste."""
