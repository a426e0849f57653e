"""Scheduled jobs: methods decorated with ``@schedule_job`` run while the app runs.

Needs APScheduler: ``pip install "pyjolt[scheduler]"``. ``scheduler.run_background_task``
starts fire-and-forget work (e.g. sending an email) from a handler.
"""

import logging

from pyjolt.task_manager import TaskManager, schedule_job

logger = logging.getLogger(__name__)


class Scheduler(TaskManager):
    @schedule_job("interval", minutes=1, id="heartbeat")
    async def heartbeat(self) -> None:
        """An example job: replace it with real work."""
        logger.info("scheduler heartbeat")


scheduler: Scheduler = Scheduler()
