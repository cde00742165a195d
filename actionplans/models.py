"""Gaps, priorities and the action plan (issues 6-8)."""
