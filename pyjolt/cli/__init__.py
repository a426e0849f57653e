"""The ``pyjolt`` command line (typer + rich): project generator, dev server, db, routes.

Only :mod:`pyjolt.cli.main` is imported to show ``--help``; every command imports what
it needs (copier, uvicorn, the application) inside its own body.
"""

from .main import main

__all__ = ["main"]
