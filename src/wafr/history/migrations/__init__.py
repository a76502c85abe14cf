"""Alembic migrations of the history store (run by wafr.history.store on open)."""
