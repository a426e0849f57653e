"""``pyjolt dev`` and ``pyjolt run``: uvicorn serving the project's app class.

``dev`` reloads on changes (uvicorn's watchfiles reloader): a syntax error in user code
stops the worker, the reloader keeps watching, and the next save restarts it. DEBUG is
forced on through the environment (config values come from it), and ``.env`` is loaded
first in both commands without overriding variables already set.
"""

from __future__ import annotations

import os
import sys

from . import console
from .errors import UsageError
from .project import Project, find_project, load_dotenv_file

RELOAD_INCLUDES = ["*.py", "*.html", "*.jinja", "*.j2", ".env"]


def _prepare(app_spec: str | None, port: int) -> Project:
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port (1-65535)")
    project = find_project(app_spec)
    load_dotenv_file(project.root)
    # The app module is imported by uvicorn (and by its reload worker processes), which
    # inherit the working directory and PYTHONPATH.
    os.chdir(project.root)
    root = str(project.root)
    if root not in sys.path:
        sys.path.insert(0, root)
    existing = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = root + (os.pathsep + existing if existing else "")
    return project


def run_dev(host: str, port: int, app_spec: str | None) -> None:
    project = _prepare(app_spec, port)
    os.environ["DEBUG"] = "true"
    import uvicorn

    console.info(
        f"[bold]pyjolt dev[/bold]: serving {project.app_spec} on http://{host}:{port} "
        "(reload on, DEBUG on; Ctrl+C stops)"
    )
    uvicorn.run(
        project.app_spec,
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[str(project.root)],
        reload_includes=RELOAD_INCLUDES,
        lifespan="on",
    )


def run_production(host: str, port: int, workers: int, app_spec: str | None) -> None:
    project = _prepare(app_spec, port)
    import uvicorn

    console.info(
        f"[bold]pyjolt run[/bold]: serving {project.app_spec} on http://{host}:{port} "
        f"with {workers} worker(s)"
    )
    uvicorn.run(
        project.app_spec,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        lifespan="on",
        proxy_headers=True,
    )
