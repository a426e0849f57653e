"""Guards: checks a wrapping decorator asks the endpoint to run before anything else.

Authentication wraps handlers (``@auth.login_required``), but the endpoint reads and
validates the body before it calls the handler. A caller without credentials must get
401, not a 415 or a 422 that reveals the body's schema, so such decorators attach a
guard to their wrapper: the endpoint compiler collects the guards of a handler's wrapper
chain once, at build time, and runs them before ``before_request`` hooks and before the
body is touched. The wrapper still runs its guard itself when it is called in any other
way (another handler calling it directly), and skips it when the endpoint already did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ..request import Request

GUARD_ATTR = "__pyjolt_guard__"


class Guard(Protocol):
    """An async check of a request that raises an HTTP exception to refuse it."""

    async def __call__(self, req: Request) -> None: ...


def attach_guard(wrapper: Callable[..., Any], guard: Guard) -> None:
    """Record ``guard`` as the check ``wrapper`` performs before calling what it wraps.

    ``functools.wraps`` copies attributes onto outer wrappers, so the record carries the
    wrapper's id: only the function whose id matches is the guard's own wrapper.
    """
    setattr(wrapper, GUARD_ATTR, (id(wrapper), guard))


def guards_of(func: Callable[..., Any]) -> tuple[Guard, ...]:
    """The guards along ``func``'s chain of wrappers, outermost first."""
    guards: list[Guard] = []
    seen: set[int] = set()
    current: Any = func
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        record = getattr(current, GUARD_ATTR, None)
        if record is not None and record[0] == id(current):
            guards.append(record[1])
        current = getattr(current, "__wrapped__", None)
    return tuple(guards)


def guard_passed(req: Request, guard: Guard) -> bool:
    """Whether the endpoint serving ``req`` already ran ``guard``."""
    return guard in req.passed_guards
