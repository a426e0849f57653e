"""Alembic environment of this migration folder, written by PyJolt's ``db init``.

Run migrations with ``pyjolt db upgrade`` (or the app's ``python cli.py db-upgrade``):
Migrate hands the database URL and the models' metadata to this script. Keyword
arguments given to ``run_migrations`` go to Alembic's ``context.configure``, e.g.
``run_migrations(context, compare_server_default=True)``.
"""

from alembic import context

from pyjolt.database.migrate.environment import run_migrations

run_migrations(context)
