# app/__init__.py: a web app, its background jobs and a schedule, run as many processes.
#
# Everything comes from the environment the test sets: the database, the broker, the
# claim store's Redis and key prefix, the result tables and whether schedules run.

import asyncio
import logging
import os
from typing import Annotated

from pydantic import Field
from sqlalchemy import text

from pyjolt import BaseConfig, PyJolt, Request, Response, app
from pyjolt.controller import Controller, path, post
from pyjolt.database import SqlDatabase
from pyjolt.task_manager import TaskManager, background_job, current_fire_time, schedule_job

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

db = SqlDatabase()
RESULTS = os.environ.get("CLUSTER_RESULTS_TABLE", "cluster_results")
FIRES = os.environ.get("CLUSTER_FIRES_TABLE", "cluster_fires")
STARTS = os.environ.get("CLUSTER_STARTS_TABLE", "cluster_starts")


async def insert(table: str, **values: object) -> None:
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    async with db.session() as session:
        await session.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)
        await session.commit()


class Tasks(TaskManager):
    @background_job(retries=2)
    async def record(self, n: Annotated[int, Field(ge=0)], hold: float = 0.0) -> None:
        """Record one completion; with ``hold``, record the start and wait first."""
        if hold:
            await insert(STARTS, n=n, pid=os.getpid())
            await asyncio.sleep(hold)
        await insert(RESULTS, n=n, pid=os.getpid())

    @background_job(retries=1)
    async def always_fails(self, n: int) -> None:
        raise RuntimeError(f"job {n} cannot succeed")

    @schedule_job("interval", seconds=1, id="tick", misfire_grace_time=5)
    async def tick(self) -> None:
        fire = current_fire_time()
        assert fire is not None
        await insert(FIRES, fire_ms=int(fire.timestamp() * 1000), pid=os.getpid())


tasks = Tasks()


class Config(BaseConfig):
    APP_NAME: str = "cluster"
    DEBUG: bool = False
    DATABASE_URI: str = ""
    TASK_MANAGER_BROKER_URL: str | None = None
    TASK_MANAGER_REDIS_URL: str | None = None
    TASK_MANAGER_CLAIM_STORE: str = "auto"
    TASK_MANAGER_KEY_PREFIX: str = "pyjolt:tasks:"
    TASK_MANAGER_QUEUE_NAME: str = "pyjolt"
    TASK_MANAGER_REDELIVERY_TIMEOUT: float = 600.0
    TASK_MANAGER_RETRY_DELAY: float = 0.2
    TASK_MANAGER_RUN_SCHEDULES: bool = False
    ALLOWED_HOSTS: list[str] | None = ["127.0.0.1"]
    CONTROLLERS: list[str] = ["app:JobsApi"]
    EXTENSIONS: list[str] = ["app:db", "app:tasks"]


@path("/jobs")
class JobsApi(Controller):
    @post("/record/<int:n>")
    async def record(self, req: Request, n: int) -> Response:
        job_id = await tasks.record.enqueue(n=n, hold=float(req.query_params.get("hold", 0)))
        return req.response.json({"job_id": job_id}).status(202)

    @post("/bad")
    async def bad(self, req: Request) -> Response:
        await tasks.record.enqueue(n="not a number")
        return req.response.json({"queued": True}).status(202)

    @post("/fail/<int:n>")
    async def fail(self, req: Request, n: int) -> Response:
        return req.response.json({"job_id": await tasks.always_fails.enqueue(n)}).status(202)

    @post("/failed")
    async def failed(self, req: Request) -> Response:
        return req.response.json(await tasks.failed_jobs())


@app(__name__, configs=Config)
class Application(PyJolt):
    pass
