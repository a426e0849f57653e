"""``pyjolt dev`` (uvicorn, reloading) and ``pyjolt run`` (granian, N workers).

``dev`` reloads on changes (uvicorn's watchfiles reloader): a syntax error in user code
stops the worker, the reloader keeps watching, and the next save restarts it. DEBUG is
forced on through the environment (config values come from it). ``.env`` is loaded
without overriding variables already set: by ``run`` once, by ``dev`` in each reloaded
worker (see dev_app), so edits to it apply on the next reload.

``run`` builds the app once in the main process first, so a broken app fails before any
worker starts and parts that are wrong with several workers are warned about once; see
pyjolt.serving for the server itself.
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from . import console, dev_app
from .errors import UsageError
from .project import Project, find_project, load_dotenv_file, put_first_on_path

if TYPE_CHECKING:
    from ..serving.settings import ServerSettings

RELOAD_INCLUDES = ["*.py", "*.html", "*.jinja", "*.j2", ".env"]


def _prepare(app_spec: str | None, port: int, dotenv: bool = True) -> Project:
    """Find the project, load .env, and make its package importable by server workers."""
    if not 0 < port < 65536:
        raise UsageError(f"--port {port} is not a TCP port (1-65535)")
    project = find_project(app_spec)
    if dotenv:
        load_dotenv_file(project.root)
    # The app module is imported by uvicorn (and by its reload worker processes), which
    # inherit the working directory and PYTHONPATH.
    os.chdir(project.root)
    put_first_on_path(project.root)
    root = str(project.root)
    existing = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = root + (os.pathsep + existing if existing else "")
    return project


def run_dev(host: str, port: int, app_spec: str | None) -> None:
    # The reloader must not hold .env's values: its workers would inherit them, stale.
    project = _prepare(app_spec, port, dotenv=False)
    os.environ["DEBUG"] = "true"
    os.environ[dev_app.APP_VARIABLE] = project.app_spec
    os.environ[dev_app.ROOT_VARIABLE] = str(project.root)
    import uvicorn

    console.info(
        f"[bold]pyjolt dev[/bold]: serving {project.app_spec} on http://{host}:{port} "
        "(reload on, DEBUG on; Ctrl+C stops)"
    )
    uvicorn.run(
        dev_app.FACTORY,
        factory=True,
        host=host,
        port=port,
        reload=True,
        reload_dirs=[str(project.root)],
        reload_includes=RELOAD_INCLUDES,
        lifespan="on",
    )


def run_production(settings: ServerSettings, app_spec: str | None) -> None:
    project = _prepare(app_spec, settings.port)
    settings = replace(settings, app_spec=project.app_spec)
    from ..serving.granian_server import serve
    from ..serving.preflight import log_worker_warnings
    from .project import load_application

    log_worker_warnings(load_application(project), settings.workers)
    console.info(
        f"[bold]pyjolt run[/bold]: serving {project.app_spec} on "
        f"http://{settings.host}:{settings.port} with {settings.workers} worker(s); "
        f"header timeout {settings.header_timeout:g} s (SIGTERM stops, SIGHUP restarts workers)"
    )
    serve(settings)


def run_job_workers(
    app_spec: str | None,
    workers: int | None,
    max_async_jobs: int,
    shutdown_timeout: float,
    task_manager: str | None,
) -> None:
    from ..serving.settings import default_workers
    from ..task_manager.worker import (
        WorkerSettings,
        WorkerSetupError,
        find_task_manager,
        run_workers,
    )
    from .errors import CliError
    from .project import load_application

    project = _prepare(app_spec, 8000)
    application = load_application(project)
    try:
        # Fails here, once, rather than in every worker process.
        manager = find_task_manager(application, task_manager)
    except WorkerSetupError as exc:
        raise CliError(str(exc)) from None
    from ..serving.preflight import log_worker_warnings

    log_worker_warnings(application, workers or default_workers())
    settings = WorkerSettings(
        app_spec=project.app_spec,
        workers=workers or default_workers(),
        max_async_jobs=max_async_jobs,
        shutdown_timeout=shutdown_timeout,
        task_manager=task_manager,
    )
    console.info(
        f"[bold]pyjolt worker[/bold]: {settings.workers} process(es) running "
        f"{', '.join(manager.job_names) or 'no jobs'} from {project.app_spec}"
    )
    code = run_workers(settings)
    if code:
        raise SystemExit(code)
