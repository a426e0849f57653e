"""The ``pyjolt`` command line (typer): project generator, dev server, db, routes.

The console script is :func:`pyjolt.cli.main.main`. This package imports nothing
itself, so the app's own CLI can use :mod:`pyjolt.cli.db_commands` without building
the ``pyjolt`` command tree; only :mod:`pyjolt.cli.main` is imported to show
``--help``, and every command imports what it needs (copier, uvicorn, the
application) inside its own body.
"""
