"""Alembic migrations (``festival migrate`` applies them)."""
