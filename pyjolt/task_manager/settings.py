"""The TaskManager's settings (``TASK_MANAGER_*``).

The scheduler's parts (job stores, executors, the scheduler class) are Python objects
set in the Config class; the rest can come from the environment too.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ..settings import SettingsSection
from .queue import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_QUEUE_NAME,
    DEFAULT_REDELIVERY_TIMEOUT,
    DEFAULT_RETRY_DELAY,
    DEFAULT_RETRY_MAX_DELAY,
)

DEFAULT_SHUTDOWN_TIMEOUT = 10.0
DEFAULT_CLAIM_TTL = 600.0
DEFAULT_KEY_PREFIX = "pyjolt:tasks:"


class TaskManagerSettings(SettingsSection):
    """The scheduler, the claim store of fires and the background-job queue."""

    families = ("TASK_MANAGER_",)

    TASK_MANAGER_SCHEDULER: Any = Field(
        default=None, description="APScheduler class or its import string (AsyncIOScheduler)"
    )
    TASK_MANAGER_JOB_STORES: Any = None
    TASK_MANAGER_JOB_DEFAULTS: dict[str, Any] | None = None
    TASK_MANAGER_EXECUTORS: Any = None
    TASK_MANAGER_DAEMON: bool = True
    TASK_MANAGER_RUN_SCHEDULES: bool = Field(
        default=True, description="Run scheduled jobs in this process"
    )
    TASK_MANAGER_CLAIM_STORE: str = Field(
        default="auto", description="Where fires are claimed: auto, redis, database, local"
    )
    TASK_MANAGER_CLAIM_TTL: float = Field(default=DEFAULT_CLAIM_TTL, gt=0)
    TASK_MANAGER_KEY_PREFIX: str = DEFAULT_KEY_PREFIX
    TASK_MANAGER_REDIS_URL: str | None = Field(default=None, description="Redis for claims")
    TASK_MANAGER_BROKER_URL: str | None = Field(
        default=None, description="redis:// or amqp:// queue of background jobs"
    )
    TASK_MANAGER_QUEUE_NAME: str = DEFAULT_QUEUE_NAME
    TASK_MANAGER_REDELIVERY_TIMEOUT: float = Field(default=DEFAULT_REDELIVERY_TIMEOUT, gt=0)
    TASK_MANAGER_MAX_RETRIES: int = Field(default=DEFAULT_MAX_RETRIES, ge=0)
    TASK_MANAGER_RETRY_DELAY: float = Field(default=DEFAULT_RETRY_DELAY, ge=0)
    TASK_MANAGER_RETRY_MAX_DELAY: float = Field(default=DEFAULT_RETRY_MAX_DELAY, ge=0)
    TASK_MANAGER_SHUTDOWN_TIMEOUT: float = Field(default=DEFAULT_SHUTDOWN_TIMEOUT, ge=0)
