"""Hand-written ASGI app: the ceiling every framework is measured against."""

import orjson
from pydantic import ValidationError

from .models import UserIn

JSON = [(b"content-type", b"application/json")]


async def send_json(send, status: int, body: bytes) -> None:
    headers = [*JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def echo(receive, send) -> None:
    """WebSocket echo at /ws/echo: accept, then send back every text message."""
    await receive()  # websocket.connect
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        await send({"type": "websocket.send", "text": message.get("text")})


async def app(scope, receive, send) -> None:
    if scope["type"] == "websocket" and scope["path"] == "/ws/echo":
        await echo(receive, send)
        return
    if scope["type"] != "http":
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                await send({"type": message["type"] + ".complete"})
                if message["type"] == "lifespan.shutdown":
                    return
        return
    path, method = scope["path"], scope["method"]
    if path == "/hello" and method == "GET":
        await send_json(send, 200, orjson.dumps({"message": "hello"}))
    elif path.startswith("/users/") and method == "GET" and path[7:].isdigit():
        await send_json(send, 200, orjson.dumps({"id": int(path[7:]), "name": "user"}))
    elif path == "/users" and method == "POST":
        try:
            user = UserIn.model_validate_json(await read_body(receive))
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_context=False, include_input=False)
            await send_json(send, 422, orjson.dumps({"errors": errors}))
            return
        await send_json(send, 201, user.model_dump_json().encode())
    else:
        await send_json(send, 404, b'{"detail":"not found"}')
