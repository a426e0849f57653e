"""The CLI's error classes; each carries the exit code of the DESIGN's contract.

0 done (or nothing to do), 1 error, 2 bad usage, 3 conflicts remain, 4 ``--check``
found changes. Commands raise these; :func:`pyjolt.cli.main.main` prints the message
(and the hint) without a traceback unless ``--verbose`` is given.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_CONFLICT = 3
EXIT_CHECK_FAILED = 4

# What each code means, for people: the CLI reference page is rendered from this table.
EXIT_CODE_MEANINGS: dict[int, str] = {
    EXIT_OK: "done, or nothing to do (running a generator twice)",
    EXIT_ERROR: "error: the app fails to import, `configs.py` does not parse, a migration "
    "fails, `destroy` of something never generated...",
    EXIT_USAGE: "bad usage: an invalid name, field or option, a missing argument, a required "
    "answer missing without a terminal (the message names the flag to pass)",
    EXIT_CONFLICT: "conflict, nothing written (a file exists and differs, a non-empty target "
    "folder, several migration heads, uncommitted changes for `upgrade`), or conflict markers "
    "left for you to resolve (`upgrade`)",
    EXIT_CHECK_FAILED: "a check found changes: `openapi export --check`, `db check`",
}


class CliError(Exception):
    """A failure the user can act on; the message names the thing and the fix."""

    exit_code: int = EXIT_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CliError):
    """Bad arguments: an invalid name, an unknown option value, a missing answer."""

    exit_code = EXIT_USAGE


class ConflictError(CliError):
    """The command would overwrite something that exists; nothing was written."""

    exit_code = EXIT_CONFLICT


class CheckFailed(CliError):
    """A ``--check`` run found that something is out of date."""

    exit_code = EXIT_CHECK_FAILED
