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
    """Send ``response.file_path`` as the body, never holding more than one chunk."""
    assert response.file_path is not None
    size = os.stat(response.file_path).st_size
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.header_list(size),
        }
    )
    if head_only:
        await send({"type": "http.response.body", "body": b""})
        return
    async with await anyio.open_file(response.file_path, "rb") as file:
        remaining = size
        while remaining > 0:
            chunk = await file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": remaining > 0})
    if remaining > 0 or size == 0:
        await send({"type": "http.response.body", "body": b""})
