"""Scheduled jobs and background jobs: ``from pyjolt.task_manager import TaskManager``.

APScheduler is imported only when a TaskManager is initialised (the ``scheduler``
extra), taskiq only when a broker is configured (the ``queue`` extra); see
docs/task-manager.md.
"""

from .fires import current_fire_time
from .jobs import BoundJob, background_job
from .manager import TaskManager
from .scheduling import ScheduledJob, schedule_job

__all__ = [
    "BoundJob",
    "ScheduledJob",
    "TaskManager",
    "background_job",
    "current_fire_time",
    "schedule_job",
]
