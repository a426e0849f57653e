"""``pyjolt worker``: taskiq worker processes that run the app's background jobs.

taskiq's own process manager starts the processes, restarts one that dies and stops
them gracefully on SIGTERM/SIGINT. Each process builds the application and starts it
(its extensions: database engines, caches, the TaskManager's claim store) before it
takes jobs, and shuts it down afterwards, so jobs use the app as request handlers do.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..serving.settings import APP_ENV, WORKERS_ENV

if TYPE_CHECKING:
    from ..app import PyJolt
    from .manager import TaskManager

logger = logging.getLogger(__name__)

TASK_MANAGER_ENV = "PYJOLT_TASK_MANAGER"
BROKER_FACTORY = "pyjolt.task_manager.worker:create_broker"


class WorkerSetupError(RuntimeError):
    """The app cannot run workers: no TaskManager, or no broker configured."""


@dataclass(frozen=True)
class WorkerSettings:
    """Options of one ``pyjolt worker``."""

    app_spec: str
    workers: int
    max_async_jobs: int = 100
    shutdown_timeout: float = 30.0
    task_manager: str | None = None
    log_level: str = "INFO"


def find_task_manager(app: PyJolt, name: str | None = None) -> TaskManager:
    """The app's TaskManager with a broker (the one registered as ``name`` if given)."""
    from .manager import TaskManager

    managers = {key: ext for key, ext in app.extensions.items() if isinstance(ext, TaskManager)}
    if name is not None:
        if name not in managers:
            raise WorkerSetupError(
                f"--task-manager {name!r}: the app's task managers are {sorted(managers) or 'none'}"
            )
        chosen = managers[name]
    else:
        with_broker = [ext for ext in managers.values() if ext.broker is not None]
        if not managers:
            raise WorkerSetupError(
                "the app has no TaskManager in EXTENSIONS (e.g. 'app.scheduler:scheduler')"
            )
        if not with_broker:
            raise WorkerSetupError(
                "no TaskManager has TASK_MANAGER_BROKER_URL set (a redis:// or amqp:// URL); "
                "without a broker background jobs run inside the web process"
            )
        if len(with_broker) > 1:
            raise WorkerSetupError(
                f"several task managers have a broker ({sorted(managers)}): pick one with "
                "--task-manager"
            )
        chosen = with_broker[0]
    if chosen.broker is None:
        raise WorkerSetupError(f"task manager {name!r} has no TASK_MANAGER_BROKER_URL")
    return chosen


def create_broker() -> Any:
    """Broker factory taskiq calls in each worker process: the app's broker, wired to
    start and stop the app with the worker."""
    from taskiq import TaskiqEvents

    from ..cli.project import Project, load_application

    spec = os.environ.get(APP_ENV)
    if not spec:
        raise WorkerSetupError(f"{APP_ENV} is not set: start workers with 'pyjolt worker'")
    app = load_application(Project(root=Path.cwd(), app_spec=spec))
    manager = find_task_manager(app, os.environ.get(TASK_MANAGER_ENV) or None)
    broker = manager.broker

    async def start_app(state: Any) -> None:
        await app.startup()
        logger.info("Worker %d started %s; jobs: %s", os.getpid(), spec, manager.job_names)

    async def stop_app(state: Any) -> None:
        await app.shutdown()

    broker.on_event(TaskiqEvents.WORKER_STARTUP)(start_app)
    broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)(stop_app)
    return broker


def run_workers(settings: WorkerSettings) -> int:
    """Run taskiq's process manager until it is stopped; its exit status."""
    from taskiq.acks import AcknowledgeType
    from taskiq.cli.worker.args import WorkerArgs
    from taskiq.cli.worker.run import run_worker

    os.environ[APP_ENV] = settings.app_spec
    os.environ[WORKERS_ENV] = str(settings.workers)
    if settings.task_manager:
        os.environ[TASK_MANAGER_ENV] = settings.task_manager
    args = WorkerArgs(
        broker=BROKER_FACTORY,
        modules=[],
        workers=settings.workers,
        max_async_tasks=settings.max_async_jobs,
        shutdown_timeout=settings.shutdown_timeout,
        wait_tasks_timeout=settings.shutdown_timeout,
        # Acknowledged once the job ran: a worker killed mid-job loses nothing.
        ack_type=AcknowledgeType.WHEN_SAVED,
        log_level=settings.log_level,  # type: ignore[arg-type]
        configure_logging=True,
    )
    return run_worker(args) or 0
