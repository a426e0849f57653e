"""Fire-and-forget tasks that are never garbage-collected mid-run and never fail silently."""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from ..controller.endpoint import as_async

logger = logging.getLogger(__name__)


def _callable_name(func: Any) -> str:
    if isinstance(func, functools.partial):
        func = func.func
    return str(getattr(func, "__qualname__", None) or repr(func))


async def _call(func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if inspect.isawaitable(func):
        if args or kwargs:
            raise TypeError("run_background_task: arguments given with an awaitable")
        return await func
    # Sync callables run in a worker thread; a callable that returns an awaitable
    # (an object with an async __call__) is awaited on the loop.
    result = await as_async(func)(*args, **kwargs)
    if inspect.isawaitable(result):
        result = await result
    return result


class BackgroundTasks:
    """Running background tasks, held strongly until they finish.

    asyncio keeps only weak references to tasks, so an unreferenced fire-and-forget task
    can disappear mid-run; exceptions of tasks nobody awaits are otherwise lost.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None

    def __len__(self) -> int:
        return len(self._tasks)

    def start(self, func: Callable[..., Any] | Any, *args: Any, **kwargs: Any) -> Any:
        """Schedule ``func(*args, **kwargs)``; the Task, or None from a worker thread."""
        if not (callable(func) or inspect.isawaitable(func)):
            raise TypeError(f"run_background_task: {func!r} is not callable or awaitable")
        name = f"background:{_callable_name(func)}"
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            return self._spawn(name, func, args, kwargs)
        if self.loop is None or self.loop.is_closed():
            raise RuntimeError(
                "run_background_task needs a running event loop: call it from async code "
                "or from a sync handler while the app is running"
            )
        self.loop.call_soon_threadsafe(self._spawn, name, func, args, kwargs)
        return None

    def _spawn(
        self, name: str, func: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(_call(func, args, kwargs), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            logger.info("Background task %s was cancelled", task.get_name())
            return
        exc = task.exception()
        if exc is not None:
            logger.error("Background task %s failed", task.get_name(), exc_info=exc)

    async def drain(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for running tasks, then cancel the rest."""
        loop = asyncio.get_running_loop()
        pending = {task for task in self._tasks if not task.done() and task.get_loop() is loop}
        if not pending:
            return
        _, still_running = await asyncio.wait(pending, timeout=timeout)
        if still_running:
            logger.warning(
                "Cancelling %d background task(s) still running %.1f s after shutdown began",
                len(still_running),
                timeout,
            )
            for task in still_running:
                task.cancel()
            await asyncio.gather(*still_running, return_exceptions=True)
