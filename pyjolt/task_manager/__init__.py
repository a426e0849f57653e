"""Scheduled jobs and background tasks: ``from pyjolt.task_manager import TaskManager``.

APScheduler is imported only when a TaskManager is initialised (the ``scheduler``
extra); see docs/task-manager.md.
"""

from .manager import TaskManager
from .scheduling import ScheduledJob, schedule_job

__all__ = ["ScheduledJob", "TaskManager", "schedule_job"]
