"""Errors of the database extension; each message names the config key or thing to fix.

Every class carries an ``exit_code`` (the CLI contract: 1 error, 4 a check found
changes), so ``python cli.py db-...`` prints the message as one line and exits with it.
"""

from __future__ import annotations


class DatabaseExtensionError(RuntimeError):
    """Base class of the failures raised by SqlDatabase and Migrate."""

    exit_code: int = 1


class DatabaseConfigError(DatabaseExtensionError):
    """A database setting is missing or invalid (``DATABASE_URI``, pool options, ...)."""


class DatabaseConnectionError(DatabaseExtensionError):
    """The configured database could not be reached (host down, wrong credentials, ...)."""


class DatabaseNotConnectedError(DatabaseExtensionError):
    """A session was requested before the app's startup connected the database."""


class MigrationError(DatabaseExtensionError):
    """An Alembic operation failed: missing migration folder, two heads, bad revision, ..."""


class ModelsOutOfSyncError(MigrationError):
    """``db-check`` found differences between the models and the migrations."""

    exit_code = 4


class ConfirmationRequiredError(DatabaseExtensionError):
    """A destructive command (``db drop``, ``db reset``) has nobody to ask and no ``--yes``."""

    exit_code = 2


class CommandCancelledError(DatabaseExtensionError):
    """The person asked to confirm a destructive command said no; nothing was done."""


class InvalidPaginationError(ValueError):
    """``paginate()`` got a page or per_page outside the allowed range.

    A ``ValueError`` subclass, so an ExceptionHandler with
    ``@handles(InvalidPaginationError)`` can answer it with 400 Bad Request.
    """

    def __init__(self, parameter: str, value: object, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.value = value
