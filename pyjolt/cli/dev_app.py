"""The app factory ``pyjolt dev`` gives uvicorn, so ``.env`` is read afresh on every reload.

uvicorn's reloader starts a new worker process after each change and the worker inherits
the reloader's environment. The reloader never loads ``.env``; each worker does, as the
file is now (variables set in the real environment still win), so an edited, added or
removed value takes effect when the app reloads.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

APP_VARIABLE = "PYJOLT_DEV_APP"
ROOT_VARIABLE = "PYJOLT_DEV_ROOT"
FACTORY = "pyjolt.cli.dev_app:create_app"


def create_app() -> Any:
    """Load the project's ``.env``, then build its application (the uvicorn factory)."""
    from pyjolt.app import PyJolt

    from .project import Project, import_app_object, load_dotenv_file

    root = Path(os.environ[ROOT_VARIABLE])
    load_dotenv_file(root)
    target = import_app_object(Project(root, os.environ[APP_VARIABLE]))
    return target if isinstance(target, PyJolt) else target()
