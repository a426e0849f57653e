"""TaskManager: scheduled jobs on APScheduler 3, fired once per trigger across processes,
and background jobs on a taskiq queue (or in-process in development)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..extension import BaseExtension
from ..importing import import_optional, load_import_string
from ..serving.settings import configured_workers
from .background import BackgroundTasks
from .claims import ClaimStore, DatabaseClaimStore, LocalClaimStore, RedisClaimStore
from .fires import FirePolicy, make_claiming_executor
from .jobs import BoundJob, JobMethod, job_methods
from .queue import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUEUE_NAME,
    DEFAULT_REDELIVERY_TIMEOUT,
    DEFAULT_RETRY_DELAY,
    DEFAULT_RETRY_MAX_DELAY,
    broker_kind,
    create_broker,
    retry_middleware,
)
from .scheduling import scheduled_methods
from .settings import (
    DEFAULT_CLAIM_TTL,
    DEFAULT_KEY_PREFIX,
    DEFAULT_SHUTDOWN_TIMEOUT,
    TaskManagerSettings,
)

if TYPE_CHECKING:
    from ..app import PyJolt

logger = logging.getLogger(__name__)

#: Interval triggers count from this instant in every process, so all processes agree
#: on the fire times (APScheduler would otherwise start each at its own "now").
INTERVAL_ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
CLAIM_STORES = ("auto", "redis", "database", "local")


def _import_apscheduler() -> Any:
    return import_optional("apscheduler.schedulers.asyncio", "the TaskManager", "scheduler")


class TaskManager(BaseExtension):
    """Subclass it, decorate methods with ``@schedule_job`` / ``@background_job``, list the
    instance in EXTENSIONS.

    The scheduler starts at app startup and stops at shutdown. Each fire is claimed in
    the claim store (Redis or the app's database, see :meth:`claim_store`) so it runs in
    one process however many run the app. With ``TASK_MANAGER_BROKER_URL`` set,
    background jobs go to that broker and ``pyjolt worker`` runs them; without it they
    run in the process that enqueued them.
    """

    name = "task_manager"

    def __init__(self, variable_prefix: str = "") -> None:
        super().__init__(variable_prefix)
        self._scheduler: Any = None
        self._background = BackgroundTasks()
        self._store: ClaimStore | None = None
        self._executor: Any = None
        self._broker: Any = None
        self._tasks: dict[str, Any] = {}
        self._broker_started = False
        self._warned_in_process = False

    # --- extension ---------------------------------------------------------------------
    def init_app(self, app: PyJolt) -> None:
        app.configs.register_section(TaskManagerSettings, self.variable_prefix)
        super().init_app(app)
        self._scheduler = self._create_scheduler()
        self._store = None
        self._broker = self._create_broker()
        app.add_on_startup(self._start)
        app.add_on_shutdown(self._shutdown)

    def _create_scheduler(self) -> Any:
        aps_asyncio = _import_apscheduler()
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
            # Claims need the store, known at startup; the executor reads it then.
            self._executor = make_claiming_executor(_DeferredStore(self), self.claim_ttl)
            options["executors"] = {"default": self._executor}
        return scheduler_class(**options)

    @property
    def claim_ttl(self) -> float:
        """Seconds a fire's claim is kept: longer than any process can be late for it."""
        return float(self.get_conf("TASK_MANAGER_CLAIM_TTL", DEFAULT_CLAIM_TTL))

    def _create_broker(self) -> Any:
        url = self.get_conf("TASK_MANAGER_BROKER_URL")
        if not url:
            return None
        broker_kind(str(url))  # a bad URL fails at init_app, naming the key
        broker = create_broker(
            str(url),
            str(self.get_conf("TASK_MANAGER_QUEUE_NAME", DEFAULT_QUEUE_NAME)),
            float(self.get_conf("TASK_MANAGER_REDELIVERY_TIMEOUT", DEFAULT_REDELIVERY_TIMEOUT)),
        )
        broker.add_middlewares(
            retry_middleware(
                _DeferredStore(self),
                int(self.get_conf("TASK_MANAGER_MAX_RETRIES", DEFAULT_MAX_RETRIES)),
                float(self.get_conf("TASK_MANAGER_RETRY_DELAY", DEFAULT_RETRY_DELAY)),
                float(self.get_conf("TASK_MANAGER_RETRY_MAX_DELAY", DEFAULT_RETRY_MAX_DELAY)),
            )
        )
        self._tasks = {}
        for attr, job in job_methods(type(self)):
            labels: dict[str, Any] = {}
            if job.options.retries is not None:
                labels["max_retries"] = job.options.retries + 1
            bound = BoundJob(job, self)
            self._tasks[bound.name] = broker.register_task(
                bound.task_function(), task_name=bound.name, **labels
            )
            logger.debug("Background job %s registered as %s", attr, bound.name)
        return broker

    # --- claim store ---------------------------------------------------------------------
    def _choose_store(self) -> ClaimStore:
        choice = str(self.get_conf("TASK_MANAGER_CLAIM_STORE", "auto")).lower()
        if choice not in CLAIM_STORES:
            raise ValueError(
                f"{self.variable_prefix}TASK_MANAGER_CLAIM_STORE must be one of "
                f"{', '.join(CLAIM_STORES)}, got {choice!r}"
            )
        prefix = str(self.get_conf("TASK_MANAGER_KEY_PREFIX", DEFAULT_KEY_PREFIX))
        redis_url = self._redis_url()
        if choice == "redis" or (choice == "auto" and redis_url):
            if not redis_url:
                raise ValueError(
                    f"{self.variable_prefix}TASK_MANAGER_CLAIM_STORE='redis' needs "
                    "TASK_MANAGER_REDIS_URL (or a redis:// broker or CACHE_REDIS_URL)"
                )
            return RedisClaimStore(redis_url, key_prefix=prefix)
        database = self._database()
        if choice == "database" or (choice == "auto" and database is not None):
            if database is None:
                raise ValueError(
                    f"{self.variable_prefix}TASK_MANAGER_CLAIM_STORE='database' needs a "
                    "SqlDatabase in EXTENSIONS"
                )
            return DatabaseClaimStore(lambda: database.engine)
        return LocalClaimStore()

    def _redis_url(self) -> str | None:
        for key in ("TASK_MANAGER_REDIS_URL", "TASK_MANAGER_BROKER_URL"):
            url = self.get_conf(key)
            if url and broker_kind(str(url)) == "redis":
                return str(url)
        cache_url = self.app.configs.get("CACHE_REDIS_URL")
        return str(cache_url) if cache_url else None

    def _database(self) -> Any:
        from ..database.sql_database import SqlDatabase

        for extension in self.app.extensions.values():
            if isinstance(extension, SqlDatabase):
                return extension
        return None

    @property
    def claim_store(self) -> ClaimStore:
        """Where fires are claimed: Redis if the app has one, else its database, else memory.

        Redis: ``TASK_MANAGER_REDIS_URL``, a ``redis://`` broker URL or ``CACHE_REDIS_URL``;
        a database: the first SqlDatabase in EXTENSIONS. ``TASK_MANAGER_CLAIM_STORE``
        (``auto``, ``redis``, ``database``, ``local``) forces one.
        """
        if self._store is None:
            self._store = self._choose_store()
        return self._store

    def worker_warnings(self, workers: int) -> list[str]:
        """What only works inside one process, for an app served by ``workers`` of them."""
        if workers < 2:
            return []
        found = []
        store = self.claim_store
        if not store.shared:
            found.append(
                f"{type(self).__name__}: no Redis or database to claim scheduled fires in: "
                f"each of the {workers} workers runs every scheduled job; set "
                "TASK_MANAGER_REDIS_URL or add a SqlDatabase"
            )
        if self._broker is None:
            found.append(
                f"{type(self).__name__}: TASK_MANAGER_BROKER_URL is not set, so background "
                "jobs run inside the web worker that started them and are lost if it stops"
            )
        if self._executor is None:
            found.append(
                f"{type(self).__name__}: TASK_MANAGER_EXECUTORS replaces the executor that "
                "claims fires, so every worker runs every scheduled job"
            )
        return found

    # --- lifecycle ---------------------------------------------------------------------
    async def _start(self) -> None:
        store = self.claim_store
        await store.start()
        if self._broker is not None and not self._broker.is_worker_process:
            # A worker process's broker is started by taskiq's receiver instead.
            await self._broker.startup()
            self._broker_started = True
        if bool(self.get_conf("TASK_MANAGER_RUN_SCHEDULES", True)):
            self._add_scheduled_jobs()
        self._background.loop = asyncio.get_running_loop()
        scheduler = self.scheduler
        if not scheduler.running:
            scheduler.start()

    def _add_scheduled_jobs(self) -> None:
        for method_name, job in scheduled_methods(type(self)):
            job_id = job.options.get("id") or f"{type(self).__name__}.{method_name}"
            options = {"replace_existing": True, **job.options, "id": job_id}
            if job.trigger == "interval" and "start_date" not in options:
                options["start_date"] = INTERVAL_ANCHOR
            if self._executor is not None:
                self._executor.policies[job_id] = FirePolicy(job.without_overlapping, job.lock_ttl)
            function = getattr(self, method_name)
            if isinstance(function, BoundJob):
                function = function.function
            self.scheduler.add_job(function, job.trigger, **options)

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
        if self._broker_started:
            self._broker_started = False
            await self._broker.shutdown()
        if self._store is not None:
            await self._store.close()

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
        """Schedule ``func``; arguments as APScheduler's ``add_job`` (trigger, id, ...).

        Give it an ``id``: fires are claimed on it, so the same job added in every
        process must have the same id to run once.
        """
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

    # --- queue ---------------------------------------------------------------------------
    @property
    def broker(self) -> Any:
        """The taskiq broker (None without TASK_MANAGER_BROKER_URL)."""
        return self._broker

    @property
    def job_names(self) -> list[str]:
        """Names of the ``@background_job`` methods, as the queue knows them."""
        return [BoundJob(job, self).name for _, job in job_methods(type(self))]

    async def enqueue(self, job: BoundJob | str, *args: Any, **kwargs: Any) -> str:
        """Validate the arguments and queue ``job``; the job id.

        ``job`` is a ``@background_job`` method (``tasks.send_email``) or its name. A bad
        argument raises pydantic's ValidationError here, in the caller. Without a broker
        the job runs in this process, as :meth:`run_background_task` would.
        """
        bound = self._bound(job)
        arguments = bound.job.validate(args, kwargs)
        if self._broker is None:
            self._background.start(
                bound.function, **dict(bound.job.arguments.model_validate(arguments))
            )
            return uuid.uuid4().hex
        kicked = await self._tasks[bound.name].kiq(**arguments)
        return str(kicked.task_id)

    def _bound(self, job: BoundJob | str) -> BoundJob:
        if isinstance(job, BoundJob):
            if job.manager is not self:
                raise ValueError(f"{job!r} belongs to another TaskManager")
            return job
        for _, method in job_methods(type(self)):
            bound = BoundJob(method, self)
            if bound.name == job:
                return bound
        raise LookupError(f"{type(self).__name__} has no background job named {job!r}")

    async def failed_jobs(self, limit: int = 100) -> list[dict[str, Any]]:
        """Jobs that failed after their last retry, newest first (job, kwargs, error...)."""
        return await self.claim_store.failed(limit)

    # --- background tasks ----------------------------------------------------------------
    def run_background_task(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``func(*args, **kwargs)`` without waiting for it (sync ones in a thread).

        Returns the ``asyncio.Task`` (None when called from a worker thread). A failure
        is logged with its traceback by ``pyjolt.task_manager.background``. Given a
        ``@background_job`` method and a broker, the job is validated at once and
        queued instead (prefer ``await tasks.job.enqueue(...)``, which also waits for
        the broker to accept it).
        """
        if isinstance(func, BoundJob) and self._broker is not None:
            arguments = func.job.validate(args, kwargs)
            return self._background.start(self._tasks[func.name].kiq, **arguments)
        if isinstance(func, BoundJob):
            func.job.validate(args, kwargs)
            func = func.function
        if not self._warned_in_process and configured_workers() > 1:
            self._warned_in_process = True
            logger.warning(
                "%s.run_background_task runs %s inside this server worker (one of %d): it "
                "is lost if the worker stops; declare a @background_job and set "
                "TASK_MANAGER_BROKER_URL to queue it",
                type(self).__name__,
                getattr(func, "__qualname__", repr(func)),
                configured_workers(),
            )
        return self._background.start(func, *args, **kwargs)

    @property
    def background_tasks(self) -> int:
        """How many background tasks are running."""
        return len(self._background)


class _DeferredStore:
    """The manager's claim store, looked up on each call (it is chosen at startup)."""

    shared = True

    def __init__(self, manager: TaskManager) -> None:
        self._manager = manager

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager.claim_store, name)


def _job_id(job: Any) -> str:
    if isinstance(job, str):
        return job
    job_id = getattr(job, "id", None)
    if not isinstance(job_id, str):
        raise TypeError(f"expected a job id or an APScheduler Job, got {job!r}")
    return job_id


__all__ = ["JobMethod", "TaskManager"]
