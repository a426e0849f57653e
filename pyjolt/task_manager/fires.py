"""Running each scheduled fire once across every process: an APScheduler executor that
claims ``(job id, scheduled fire time)`` before it runs a job.

Every process runs the same APScheduler schedule; when a fire is due, each of them asks
the claim store for ``fire:<job id>:<fire time in ms>`` and only the winner runs it. No
leader is elected, so losing any process or host loses no later fire. A job added with
``without_overlapping=True`` additionally takes ``lock:<job id>`` for the length of
its run, and a fire that finds the lock held is skipped.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .claims import ClaimStore

logger = logging.getLogger(__name__)

_fire_time: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "pyjolt_fire_time", default=None
)


def current_fire_time() -> datetime | None:
    """The scheduled time of the fire being run (inside a scheduled job), else None.

    The same in whichever process won the fire, so it makes a good idempotency key.
    """
    return _fire_time.get()


def fire_key(job_id: str, run_time: datetime) -> str:
    """The claim key of one fire: the same string in every process and time zone."""
    return f"fire:{job_id}:{int(run_time.timestamp() * 1000)}"


@dataclass(frozen=True)
class FirePolicy:
    """How fires of one job are claimed (set per job by the TaskManager)."""

    without_overlapping: bool = False
    lock_ttl: float = 300.0


def make_claiming_executor(store: ClaimStore, claim_ttl: float) -> Any:
    """An AsyncIOExecutor subclass instance bound to ``store`` (APScheduler is optional)."""
    from apscheduler.executors.asyncio import AsyncIOExecutor
    from apscheduler.executors.base import run_coroutine_job, run_job
    from apscheduler.util import iscoroutinefunction_partial

    class ClaimingExecutor(AsyncIOExecutor):
        """APScheduler's asyncio executor, running only the fires this process claimed."""

        def __init__(self) -> None:
            super().__init__()
            self.store = store
            self.claim_ttl = claim_ttl
            self.policies: dict[str, FirePolicy] = {}

        def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
            def callback(future: asyncio.Future[Any]) -> None:
                self._pending_futures.discard(future)
                try:
                    events = future.result()
                except BaseException:
                    self._run_job_error(job.id, *sys.exc_info()[1:])
                else:
                    self._run_job_success(job.id, events)

            task = self._eventloop.create_task(self._claim_and_run(job, run_times))
            task.add_done_callback(callback)
            self._pending_futures.add(task)

        async def _claim_and_run(self, job: Any, run_times: list[datetime]) -> list[Any]:
            won = [
                run_time
                for run_time in run_times
                if await self.store.claim(fire_key(job.id, run_time), self.claim_ttl)
            ]
            if not won:
                return []
            policy = self.policies.get(job.id, FirePolicy())
            lock_token = None
            if policy.without_overlapping:
                lock_token = await self.store.claim(f"lock:{job.id}", policy.lock_ttl)
                if lock_token is None:
                    logger.info(
                        "Skipped job %s at %s: its previous run still holds the lock",
                        job.id,
                        won[-1].isoformat(),
                    )
                    return []
            try:
                return await self._run(job, won)
            finally:
                if lock_token is not None:
                    await self.store.release(f"lock:{job.id}", lock_token)

        async def _run(self, job: Any, run_times: list[datetime]) -> list[Any]:
            _fire_time.set(run_times[-1])
            logger_name = self._logger.name
            if iscoroutinefunction_partial(job.func):
                events: list[Any] = await run_coroutine_job(
                    job, job._jobstore_alias, run_times, logger_name
                )
                return events
            context = contextvars.copy_context()
            return await self._eventloop.run_in_executor(
                None, context.run, run_job, job, job._jobstore_alias, run_times, logger_name
            )

    return ClaimingExecutor()
