"""Middleware that record the order they run in (importable for MIDDLEWARE entries)."""

from __future__ import annotations

from typing import Any

from pyjolt import Request, Response
from pyjolt.middleware import CallNext, Middleware

CALLS: list[str] = []


class Outer(Middleware):
    async def __call__(self, req: Request, call_next: CallNext) -> Response:
        CALLS.append("outer in")
        response = await call_next(req)
        CALLS.append("outer out")
        response.set_header("X-Order", response.headers.get("x-order", "") + "outer")
        return response


class Inner(Middleware):
    async def __call__(self, req: Request, call_next: CallNext) -> Response:
        CALLS.append("inner in")
        response = await call_next(req)
        CALLS.append("inner out")
        response.set_header("X-Order", response.headers.get("x-order", "") + "inner,")
        return response


class PlainClass:
    """A middleware written without the base class: any class of this shape works."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, req: Request, call_next: CallNext) -> Response:
        CALLS.append("plain")
        return await call_next(req)


class AsgiHeader:
    """An ASGI middleware (Starlette's shape): adds a header to every http response."""

    def __init__(self, app: Any, value: str = "asgi") -> None:
        self.app = app
        self.value = value

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            CALLS.append(f"asgi {scope['type']}")
            await self.app(scope, receive, send)
            return
        CALLS.append("asgi in")

        async def send_with_header(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message["headers"], (b"x-asgi", self.value.encode())]
            await send(message)

        await self.app(scope, receive, send_with_header)
        CALLS.append("asgi out")


class Refuser(Middleware):
    """Answers without calling call_next when ?refuse is given."""

    async def __call__(self, req: Request, call_next: CallNext) -> Response:
        if "refuse" in req.query_params:
            return req.response.json({"refused": True}).status(418)
        return await call_next(req)


class Broken(Middleware):
    async def __call__(self, req: Request, call_next: CallNext) -> Response:
        raise RuntimeError("middleware bug")


class NotAMiddleware:
    def __call__(self, only_one: Any) -> None: ...
