"""Streamed response bodies: Server-Sent Events (``text/event-stream``) and raw chunks.

``req.response.stream(events)`` sends each item of an async iterable as soon as it is
produced, one ASGI body message per item, so a proxy or browser sees every event at
once. While the body streams, the client's disconnect is watched: when the connection
goes away the iterable is cancelled and closed (an upstream model call stops with it)
instead of producing into the void.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .exceptions.http_exceptions import BaseHttpException
from .serialization import dump_json

if TYPE_CHECKING:
    from .request import Receive, Send
    from .response import Response

logger = logging.getLogger(__name__)

EVENT_STREAM = "text/event-stream"
#: Seconds between keep-alive comments while no event is due (proxies drop idle streams).
DEFAULT_PING_INTERVAL = 15.0


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One event of a ``text/event-stream`` body.

    ``data`` is sent as text (a str) or JSON (anything else); multi-line text becomes
    several ``data:`` lines, which the browser's EventSource joins again with ``\\n``.
    """

    data: Any = None
    event: str | None = None
    id: str | None = None
    retry: int | None = None
    comment: str | None = None

    def encode(self) -> bytes:
        """The event's wire form, ending with the blank line that dispatches it."""
        lines: list[str] = []
        if self.comment is not None:
            lines.extend(f": {line}" for line in _split_lines(self.comment))
        if self.id is not None:
            _check_field("id", self.id)
            lines.append(f"id: {self.id}")
        if self.event is not None:
            _check_field("event", self.event)
            lines.append(f"event: {self.event}")
        if self.retry is not None:
            lines.append(f"retry: {int(self.retry)}")
        if self.data is not None:
            text = self.data if isinstance(self.data, str) else dump_json(self.data).decode()
            lines.extend(f"data: {line}" for line in _split_lines(text))
        return ("\n".join(lines) + "\n\n").encode("utf-8")


def _split_lines(text: str) -> list[str]:
    # The SSE grammar ends a line at CRLF, LF or CR: each must start a new field line,
    # or a value could inject its own "event:" or "id:" field.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _check_field(name: str, value: str) -> None:
    if "\n" in value or "\r" in value or "\x00" in value:
        raise ValueError(f"ServerSentEvent {name} must be one line without NUL, got {value!r}")


PING = ServerSentEvent(comment="ping").encode()


def encode_event(item: Any) -> bytes:
    """One item of an event stream as SSE bytes: events as given, str as data, others JSON."""
    if isinstance(item, ServerSentEvent):
        return item.encode()
    if isinstance(item, bytes):
        return ServerSentEvent(data=item.decode("utf-8")).encode()
    if isinstance(item, Mapping) and not item:
        return ServerSentEvent(data={}).encode()
    return ServerSentEvent(data=item).encode()


def encode_chunk(item: Any) -> bytes:
    """One item of a raw stream: bytes as they are, str as UTF-8, anything else JSON + LF."""
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8")
    return dump_json(item) + b"\n"


@dataclass(slots=True)
class StreamSource:
    """What ``Response.stream`` recorded: the iterable, how to frame it, the ping interval."""

    items: AsyncIterable[Any]
    server_sent_events: bool
    ping_interval: float | None


async def _close(items: Any) -> None:
    aclose = getattr(items, "aclose", None)
    if aclose is not None:
        await aclose()


def error_event(exc: Exception) -> ServerSentEvent:
    """The last event when the producer fails after the response has started.

    An HTTP exception's message is meant for the client (an upstream model's 502 says
    what failed); anything else is reported without its text.
    """
    if isinstance(exc, BaseHttpException):
        return ServerSentEvent(
            event="error", data={"status": exc.status_code, "detail": exc.message}
        )
    return ServerSentEvent(event="error", data={"status": 500, "detail": "The stream failed"})


async def send_streamed_body(
    response: Response[Any], source: StreamSource, send: Send, receive: Receive, head_only: bool
) -> None:
    """Send the start, then each item as its own body message, until the source ends.

    Three tasks: a pump pulls items from the iterable, the sender frames and sends them
    (a ping comment when none came for ``ping_interval`` seconds), a watcher waits for
    the client's ``http.disconnect``. A disconnect cancels all three; the iterable is
    closed either way, so its ``finally`` blocks (an upstream call's cleanup) run.
    """
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.header_list(None),
        }
    )
    if head_only:
        await send({"type": "http.response.body", "body": b""})
        await _close(source.items)
        return
    import anyio

    encode = encode_event if source.server_sent_events else encode_chunk
    sender, items = anyio.create_memory_object_stream[Any](0)
    failure: list[Exception] = []

    async def pump() -> None:
        iterator = aiter(source.items)
        try:
            async with sender:
                async for item in iterator:
                    await sender.send(item)
        except Exception as exc:
            failure.append(exc)
            if isinstance(exc, BaseHttpException):
                logger.warning("A streamed response ended early: %r", exc)
            else:
                logger.exception("The producer of a streamed response failed")
        finally:
            with anyio.CancelScope(shield=True):
                await _close(iterator)

    async def watch_disconnect(scope: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                logger.debug("Client disconnected from a streamed response; closing it")
                scope.cancel()
                return

    async def body_message(body: bytes, more: bool = True) -> None:
        await send({"type": "http.response.body", "body": body, "more_body": more})

    async with anyio.create_task_group() as group:
        group.start_soon(pump)
        group.start_soon(watch_disconnect, group.cancel_scope)
        try:
            async with items:
                while True:
                    with anyio.move_on_after(source.ping_interval or float("inf")) as waited:
                        try:
                            item = await items.receive()
                        except anyio.EndOfStream:
                            break
                    if waited.cancelled_caught:
                        await body_message(PING if source.server_sent_events else b"")
                    else:
                        await body_message(encode(item))
            if failure and source.server_sent_events:
                await body_message(error_event(failure[0]).encode())
            await body_message(b"", more=False)
        except OSError:  # the server could not write: the client is gone
            logger.debug("Client connection lost during a streamed response; closing it")
        group.cancel_scope.cancel()
