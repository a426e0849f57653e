"""``@schedule_job``: mark TaskManager methods as APScheduler jobs (no import of APScheduler)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

SCHEDULE_ATTR = "__pyjolt_scheduled_jobs__"
TRIGGERS = frozenset({"interval", "cron", "date"})
#: Seconds a ``without_overlapping`` lock outlives a process that died holding it.
DEFAULT_LOCK_TTL = 300.0


@dataclass(frozen=True)
class ScheduledJob:
    """One ``@schedule_job(...)``: the trigger and everything else for ``add_job``."""

    trigger: Any
    options: dict[str, Any] = field(default_factory=dict)
    without_overlapping: bool = False
    lock_ttl: float = DEFAULT_LOCK_TTL


def schedule_job(
    trigger: str | Any,
    *,
    without_overlapping: bool = False,
    lock_ttl: float = DEFAULT_LOCK_TTL,
    **options: Any,
) -> Callable[[F], F]:
    """Run the decorated TaskManager method on an APScheduler trigger.

    ``trigger`` is ``"interval"``, ``"cron"``, ``"date"`` or an APScheduler trigger
    object; ``options`` are the trigger's fields (``minutes=1``) and ``add_job`` options
    (``id=``, ``max_instances=``...). The job is added when the app starts.

    Each fire runs in one process of the cluster (it is claimed first). With
    ``without_overlapping=True`` a fire is skipped while the job's previous run, in any
    process, still holds its lock; a lock held by a process that died frees itself after
    ``lock_ttl`` seconds.
    """
    if lock_ttl <= 0:
        raise ValueError(f"schedule_job(lock_ttl={lock_ttl}): must be a positive number")
    if isinstance(trigger, str) and trigger not in TRIGGERS:
        raise ValueError(
            f"schedule_job({trigger!r}): the trigger must be one of {sorted(TRIGGERS)} "
            "or an APScheduler trigger object"
        )

    def decorate(func: F) -> F:
        jobs = (
            *getattr(func, SCHEDULE_ATTR, ()),
            ScheduledJob(trigger, dict(options), without_overlapping, float(lock_ttl)),
        )
        setattr(func, SCHEDULE_ATTR, jobs)
        return func

    return decorate


def scheduled_methods(cls: type) -> list[tuple[str, ScheduledJob]]:
    """``(method name, job)`` pairs of ``cls``, base classes first, in definition order."""
    found: dict[str, tuple[ScheduledJob, ...]] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            jobs = getattr(value, SCHEDULE_ATTR, None)
            if jobs:
                found[name] = jobs
    return [(name, job) for name, jobs in found.items() for job in jobs]
