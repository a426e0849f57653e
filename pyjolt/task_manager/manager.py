"""TaskManager: scheduled jobs on APScheduler 3 and fire-and-forget background tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..extension import BaseExtension
from ..importing import import_optional, load_import_string
from .background import BackgroundTasks
from .scheduling import scheduled_methods

if TYPE_CHECKING:
    from ..app import PyJolt

DEFAULT_SHUTDOWN_TIMEOUT = 10.0


def _import_apscheduler() -> Any:
    return import_optional("apscheduler.schedulers.asyncio", "the TaskManager", "scheduler")


class TaskManager(BaseExtension):
    """Subclass it, decorate methods with ``@schedule_job``, list the instance in EXTENSIONS.

    The scheduler starts at app startup and stops at shutdown; background tasks still
    running at shutdown get ``TASK_MANAGER_SHUTDOWN_TIMEOUT`` seconds (10) to finish.
    Config: ``TASK_MANAGER_JOB_STORES``, ``_EXECUTORS``, ``_JOB_DEFAULTS``, ``_DAEMON``,
    ``_SCHEDULER`` (a scheduler class or an import string).
    """

    name = "task_manager"

    def __init__(self, variable_prefix: str = "") -> None:
        super().__init__(variable_prefix)
        self._scheduler: Any = None
        self._background = BackgroundTasks()

    # --- extension ---------------------------------------------------------------------
    def init_app(self, app: PyJolt) -> None:
        super().init_app(app)
        self._scheduler = self._create_scheduler()
        app.add_on_startup(self._start)
        app.add_on_shutdown(self._shutdown)

    def _create_scheduler(self) -> Any:
        aps_asyncio = _import_apscheduler()
        from apscheduler.executors.asyncio import AsyncIOExecutor
        from apscheduler.jobstores.memory import MemoryJobStore

        scheduler_class = self.get_conf("TASK_MANAGER_SCHEDULER", aps_asyncio.AsyncIOScheduler)
        if isinstance(scheduler_class, str):
            scheduler_class = load_import_string(
                scheduler_class, f"{self.variable_prefix}TASK_MANAGER_SCHEDULER"
            )
        options: dict[str, Any] = {
            "jobstores": self.get_conf("TASK_MANAGER_JOB_STORES") or {"default": MemoryJobStore()},
            "job_defaults": self.get_conf("TASK_MANAGER_JOB_DEFAULTS")
            or {"coalesce": False, "max_instances": 3},
            "daemon": bool(self.get_conf("TASK_MANAGER_DAEMON", True)),
        }
        executors = self.get_conf("TASK_MANAGER_EXECUTORS")
        if executors:
            options["executors"] = executors
        elif issubclass(scheduler_class, aps_asyncio.AsyncIOScheduler):
            options["executors"] = {"default": AsyncIOExecutor()}
        return scheduler_class(**options)

    async def _start(self) -> None:
        scheduler = self.scheduler
        for method_name, job in scheduled_methods(type(self)):
            options = {
                "id": f"{type(self).__name__}.{method_name}",
                "replace_existing": True,
                **job.options,
            }
            scheduler.add_job(getattr(self, method_name), job.trigger, **options)
        self._background.loop = asyncio.get_running_loop()
        if not scheduler.running:
            scheduler.start()

    async def _shutdown(self) -> None:
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            scheduler.shutdown(wait=False)
            # AsyncIOScheduler shuts down in a callback on the loop: let it run.
            for _ in range(10):
                if not scheduler.running:
                    break
                await asyncio.sleep(0)
        timeout = float(self.get_conf("TASK_MANAGER_SHUTDOWN_TIMEOUT", DEFAULT_SHUTDOWN_TIMEOUT))
        await self._background.drain(timeout)

    # --- scheduler -----------------------------------------------------------------------
    @property
    def scheduler(self) -> Any:
        """The APScheduler scheduler (AsyncIOScheduler unless configured otherwise)."""
        if self._scheduler is None:
            raise RuntimeError(
                f"{type(self).__name__} is not initialised: add it to EXTENSIONS "
                "(e.g. 'app.scheduler:scheduler') or call init_app(app)"
            )
        return self._scheduler

    @property
    def running(self) -> bool:
        return self._scheduler is not None and bool(self._scheduler.running)

    @property
    def jobs(self) -> list[Any]:
        """Every scheduled job (APScheduler ``Job`` objects)."""
        return list(self.scheduler.get_jobs())

    def add_job(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Schedule ``func``; arguments as APScheduler's ``add_job`` (trigger, id, ...)."""
        return self.scheduler.add_job(func, *args, **kwargs)

    def remove_job(self, job: Any, job_store: str | None = None) -> None:
        """Remove a job given by id or ``Job``."""
        self.scheduler.remove_job(_job_id(job), job_store)

    def pause_job(self, job: Any, job_store: str | None = None) -> Any:
        """Stop running a job (by id or ``Job``) until :meth:`resume_job`."""
        return self.scheduler.pause_job(_job_id(job), job_store)

    def resume_job(self, job: Any, job_store: str | None = None) -> Any:
        """Run a paused job again (by id or ``Job``)."""
        return self.scheduler.resume_job(_job_id(job), job_store)

    def get_job(self, job_id: str, job_store: str | None = None) -> Any:
        """The job with ``job_id``, or None."""
        return self.scheduler.get_job(job_id, job_store)

    # --- background tasks ----------------------------------------------------------------
    def run_background_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``func(*args, **kwargs)`` without waiting for it (sync ones in a thread).

        Returns the ``asyncio.Task`` (None when called from a worker thread). A failure
        is logged with its traceback by ``pyjolt.task_manager.background``.
        """
        return self._background.start(func, *args, **kwargs)

    @property
    def background_tasks(self) -> int:
        """How many background tasks are running."""
        return len(self._background)


def _job_id(job: Any) -> str:
    if isinstance(job, str):
        return job
    job_id = getattr(job, "id", None)
    if not isinstance(job_id, str):
        raise TypeError(f"expected a job id or an APScheduler Job, got {job!r}")
    return job_id
