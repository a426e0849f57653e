"""``@background_job``: TaskManager methods that run on the queue, with typed arguments.

Arguments are validated by pydantic when the job is enqueued, in the request that
enqueues it, so a bad argument is that request's error (a ValidationError, answered 422
by the default handlers) instead of a failure in a worker minutes later. They travel as
JSON and are validated again, into the annotated types, when the job runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model

if TYPE_CHECKING:
    from .manager import TaskManager

JOB_ATTR = "__pyjolt_background_job__"


@dataclass(frozen=True)
class JobOptions:
    """What ``@background_job(...)`` was given."""

    name: str | None = None
    retries: int | None = None


class JobMethod:
    """The descriptor ``@background_job`` puts on the class in place of the method."""

    def __init__(self, func: Callable[..., Any], options: JobOptions) -> None:
        if inspect.isasyncgenfunction(func) or inspect.isgeneratorfunction(func):
            raise TypeError(f"@background_job {func.__qualname__}: generators cannot be jobs")
        self.func = func
        self.options = options
        self.attr_name = func.__name__
        functools.update_wrapper(self, func)  # type: ignore[arg-type]
        self._arguments: type[BaseModel] | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr_name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return BoundJob(self, instance)

    def task_name(self, owner: type) -> str:
        """The queue's name for this job: ``Class.method`` unless ``name=`` was given."""
        return self.options.name or f"{owner.__name__}.{self.attr_name}"

    @property
    def arguments(self) -> type[BaseModel]:
        """A pydantic model of the method's parameters (built once, on first use)."""
        if self._arguments is None:
            hints = get_type_hints(self.func, include_extras=True)
            fields: dict[str, Any] = {}
            for index, param in enumerate(inspect.signature(self.func).parameters.values()):
                if index == 0:  # self
                    continue
                if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
                    raise TypeError(
                        f"@background_job {self.func.__qualname__}: *args/**kwargs cannot be "
                        "validated; name every parameter"
                    )
                default = ... if param.default is param.empty else param.default
                fields[param.name] = (hints.get(param.name, Any), default)
            self._arguments = create_model(
                f"{self.func.__qualname__}.arguments",
                __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=False),
                **fields,
            )
        return self._arguments

    def validate(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """Bind and validate arguments; their JSON form, as keyword arguments."""
        names = list(self.arguments.model_fields)
        if len(args) > len(names):
            raise TypeError(
                f"{self.func.__qualname__} takes {len(names)} argument(s), got {len(args)}"
            )
        bound = dict(zip(names, args, strict=False))
        for key, value in kwargs.items():
            if key in bound:
                raise TypeError(f"{self.func.__qualname__} got two values for {key!r}")
            bound[key] = value
        return self.arguments.model_validate(bound).model_dump(mode="json")


class BoundJob:
    """``manager.send_email``: call it to run now, ``await .enqueue(...)`` to queue it."""

    __slots__ = ("job", "manager")

    def __init__(self, job: JobMethod, manager: TaskManager) -> None:
        self.job = job
        self.manager = manager

    @property
    def name(self) -> str:
        return self.job.task_name(type(self.manager))

    @property
    def function(self) -> Callable[..., Any]:
        """The plain bound method (what a worker runs)."""
        return self.job.func.__get__(self.manager, type(self.manager))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function(*args, **kwargs)

    async def enqueue(self, *args: Any, **kwargs: Any) -> str:
        """Validate the arguments now and queue the job; its id."""
        return await self.manager.enqueue(self, *args, **kwargs)

    def task_function(self) -> Callable[..., Any]:
        """A plain function running this job, for the queue's task registry.

        taskiq renames the functions it registers (a bound method cannot be renamed)
        and reads their signature and hints to parse arguments, so it gets a function
        with the method's parameters minus ``self``.
        """
        method = self.function
        run: Callable[..., Any]
        if inspect.iscoroutinefunction(method):

            async def run(**kwargs: Any) -> Any:
                return await method(**kwargs)

        else:

            def run(**kwargs: Any) -> Any:
                return method(**kwargs)

        hints = get_type_hints(self.job.func, include_extras=True)
        run.__name__ = self.job.attr_name
        run.__qualname__ = self.name
        run.__module__ = self.job.func.__module__
        run.__doc__ = self.job.func.__doc__
        run.__signature__ = inspect.signature(method)  # type: ignore[union-attr]
        run.__annotations__ = {key: value for key, value in hints.items() if key != "self"}
        return run

    def __repr__(self) -> str:
        return f"<background job {self.name}>"


def background_job(
    func: Callable[..., Any] | None = None, *, name: str | None = None, retries: int | None = None
) -> Any:
    """Declare a TaskManager method as a job for the queue.

    ``retries``: how often a failing run is tried again, with exponential backoff
    (default ``TASK_MANAGER_MAX_RETRIES``, 3); after the last one the job goes to the
    failed list. ``name``: the job's name on the queue (default ``Class.method``), which
    must be the same in the web app and the workers.
    """
    if retries is not None and retries < 0:
        raise ValueError(f"background_job(retries={retries}): must be 0 or more")
    options = JobOptions(name=name, retries=retries)

    def decorate(function: Callable[..., Any]) -> JobMethod:
        return JobMethod(function, options)

    return decorate(func) if func is not None else decorate


def job_methods(cls: type) -> list[tuple[str, JobMethod]]:
    """``(attribute, job)`` pairs of ``cls``'s background jobs, base classes first."""
    found: dict[str, JobMethod] = {}
    for klass in reversed(cls.__mro__):
        for attr, value in vars(klass).items():
            if isinstance(value, JobMethod):
                found[attr] = value
    return list(found.items())
