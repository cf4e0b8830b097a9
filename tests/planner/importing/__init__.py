"""Tests of the spreadsheet reader pipeline."""
