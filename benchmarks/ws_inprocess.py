"""Server-side cost of one echoed WebSocket message, without a network or a client.

Over the network, a Python WebSocket client on the same two cores is slower than any of
the servers, so messages/s mostly measures the client. Here the app's ASGI channel is a
pair of in-memory functions: the time per message is the framework's own (plus a few
queue operations every app pays alike). Run as ``python ws_inprocess.py apps.pyjolt_app:app``;
prints microseconds per message (median of several runs).
"""

from __future__ import annotations

import asyncio
import importlib
import statistics
import sys
import time
from typing import Any

MESSAGES = 20_000
RUNS = 7


async def echo_time(app: Any, messages: int) -> float:
    """Seconds per message for ``messages`` text messages echoed by ``app``."""
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent = 0

    async def receive() -> dict[str, Any]:
        return await inbox.get()

    async def send(message: dict[str, Any]) -> None:
        nonlocal sent
        if message["type"] == "websocket.accept":
            inbox.put_nowait({"type": "websocket.receive", "text": "hello"})
        elif message["type"] == "websocket.send":
            sent += 1
            if sent >= messages:
                inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
            else:
                inbox.put_nowait({"type": "websocket.receive", "text": "hello"})

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "scheme": "ws",
        "path": "/ws/echo",
        "raw_path": b"/ws/echo",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
        "subprotocols": [],
        "extensions": {},
    }
    inbox.put_nowait({"type": "websocket.connect"})
    start = time.perf_counter()
    await app(scope, receive, send)
    assert sent == messages, f"{sent} of {messages} messages echoed"
    return (time.perf_counter() - start) / messages


async def measure(target: str) -> float:
    module_name, _, name = target.partition(":")
    app = getattr(importlib.import_module(module_name), name)
    await echo_time(app, 1_000)  # warm up
    return statistics.median([await echo_time(app, MESSAGES) for _ in range(RUNS)]) * 1e6


if __name__ == "__main__":
    import uvloop

    print(f"{uvloop.run(measure(sys.argv[1])):.3f}")
