"""Which optional parts of the PyJolt runtime this installation has.

Checked on the file system (no import), so generators and ``new-project`` can offer
database, auth, scheduler and cache code only when the matching package exists.
"""

from __future__ import annotations

from pathlib import Path

from .errors import UsageError

PACKAGE_DIR = Path(__file__).resolve().parent.parent
RUNTIME_PARTS = {
    "database": "pyjolt.database (SqlDatabase, Migrate)",
    "auth": "pyjolt.auth (Authentication)",
    "task_manager": "pyjolt.task_manager (TaskManager)",
    "caching": "pyjolt.caching (Cache)",
    "ai": "pyjolt.ai (AiInterface)",
}


def runtime_available(part: str) -> bool:
    return (PACKAGE_DIR / part / "__init__.py").is_file()


def require_runtime(part: str, command: str) -> None:
    if not runtime_available(part):
        raise UsageError(
            f"'{command}' needs {RUNTIME_PARTS[part]}, which this PyJolt installation lacks",
            hint="upgrade PyJolt to a version that includes it",
        )
