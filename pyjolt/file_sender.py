"""Streaming a file from disk to the client in chunks, with flat memory use."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import anyio

if TYPE_CHECKING:
    from .request import Send
    from .response import Response

CHUNK_SIZE = 64 * 1024


async def send_file_body(response: Response, send: Send, head_only: bool) -> None:
    """Send ``response.file_path`` (or its ``file_range``), never holding more than a chunk.

    Content-Length is the range's length; if the file shrinks while it is sent, the body
    ends early and the server reports the short response rather than sending other bytes.
    """
    assert response.file_path is not None
    if response.file_range is not None:
        start, stop = response.file_range
    else:
        start, stop = 0, os.stat(response.file_path).st_size
    length = max(stop - start, 0)
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.header_list(length),
        }
    )
    if head_only or length == 0:
        await send({"type": "http.response.body", "body": b""})
        return
    remaining = length
    async with await anyio.open_file(response.file_path, "rb") as file:
        if start:
            await file.seek(start)
        while remaining > 0:
            chunk = await file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
    if remaining > 0:
        await send({"type": "http.response.body", "body": b""})
