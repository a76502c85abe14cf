"""Alembic environment for the history store: always run programmatically on the connection wafr opened."""

from alembic import context

connection = context.config.attributes["connection"]
# Batch mode lets later migrations alter SQLite tables (which cannot ALTER most things in place).
context.configure(connection=connection, target_metadata=None, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
