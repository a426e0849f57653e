"""Controllers with WebSocket endpoints, shared by the in-process and uvicorn tests."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field

from pyjolt import BaseConfig, PyJolt, Request, Response
from pyjolt.auth import Authentication
from pyjolt.controller import Controller, after_request, before_request, get, path, post
from pyjolt.exceptions import BadRequest, ExceptionHandler, handles
from pyjolt.websocket import InvalidMessage, WebSocket, socket, websocket

SECRET = "websocket-test-secret-key-that-is-long-enough-0123456789"


class Auth(Authentication):
    """Users come from a signed ``session`` cookie: ``{"1": admin, "2": user}``."""

    async def user_loader(self, req: Request) -> dict[str, Any] | None:
        user_id = self.decode_signed_cookie(req.cookies.get("session", ""))
        return {"1": {"id": 1, "roles": ["admin"]}, "2": {"id": 2, "roles": ["user"]}}.get(
            user_id or ""
        )

    async def role_check(self, user: dict[str, Any], roles: list[Any]) -> bool:
        return bool(set(user["roles"]) & set(roles))


auth = Auth()


class ChatIn(BaseModel):
    room: str = Field(min_length=1)
    text: str = Field(max_length=100)


class ChatOut(BaseModel):
    room: str
    text: str
    length: int


class Refused(Exception):
    """Answered by RefusalHandler with 409."""


class RefusalHandler(ExceptionHandler):
    @handles(Refused)
    async def refused(self, req: Request, exc: Refused) -> Response:
        return req.response.json({"status": "error", "message": "refused"}).status(409)


@path("/ws")
class SocketsApi(Controller):
    events: list[str] = []

    @before_request
    async def before(self, req: Request) -> None:
        self.events.append(f"before {req.path}")
        if req.query_params.get("veto"):
            raise BadRequest("vetoed")

    @after_request
    async def after(self, res: Response) -> None:
        self.events.append(f"after {res.status_code}")

    @websocket("/echo")
    async def echo(self, ws: WebSocket) -> None:
        await ws.accept()
        async for message in ws:
            if isinstance(message, str):
                await ws.send_text(message)
            else:
                await ws.send_bytes(message)

    @socket("/json/<int:number>")
    async def json_echo(self, ws: WebSocket, number: int, prefix: str = "n") -> None:
        await ws.accept()
        data = await ws.receive_json()
        await ws.send_json({"number": number, "prefix": prefix, "got": data})

    @websocket("/chat", receives=ChatIn, sends=ChatOut)
    async def chat(self, ws: WebSocket) -> None:
        await ws.accept()
        while True:
            try:
                message = await ws.receive_json()
            except InvalidMessage as exc:
                await ws.send_text(f"invalid: {exc.errors[0]['loc']}")
                continue
            await ws.send_json({"room": message.room, "text": message.text, "length": 3})

    @websocket("/strict", receives=ChatIn)
    async def strict(self, ws: WebSocket) -> None:
        await ws.accept()
        async for message in ws:
            await ws.send_text(message.text)

    @websocket("/private")
    @auth.login_required
    async def private(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_json({"user": ws.user["id"]})

    @websocket("/admin")
    @auth.login_required
    @auth.role_required("admin")
    async def admin(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.send_text("welcome admin")

    @websocket("/small", max_message_size=16)
    async def small(self, ws: WebSocket) -> None:
        await ws.accept()
        async for message in ws:
            await ws.send_text(f"ok {len(message)}")

    @websocket("/crash")
    async def crash(self, ws: WebSocket) -> None:
        await ws.accept()
        text = await ws.receive_text()
        if text == "boom":
            raise RuntimeError("handler bug")
        await ws.send_text(text)

    @websocket("/refuse-early")
    async def refuse_early(self, ws: WebSocket) -> None:
        raise Refused()

    @websocket("/refuse-late")
    async def refuse_late(self, ws: WebSocket) -> None:
        await ws.accept()
        await ws.receive_text()
        raise Refused()

    @websocket("/idle", idle_timeout=0.2)
    async def idle(self, ws: WebSocket) -> None:
        await ws.accept()
        async for message in ws:
            await ws.send_text(message)

    @websocket("/protocols")
    async def protocols(self, ws: WebSocket) -> None:
        await ws.accept(subprotocol="chat.v2" if "chat.v2" in ws.requested_subprotocols else None)
        await ws.send_text(ws.accepted_subprotocol or "none")

    @websocket("/never-accepts")
    async def never_accepts(self, ws: WebSocket) -> None:
        return None

    @websocket("/slow")
    async def slow(self, ws: WebSocket) -> None:
        await ws.accept()
        await asyncio.sleep(0.05)
        await ws.send_text("slow done")

    @get("/plain")
    async def plain(self, req: Request) -> Response:
        return req.response.text("plain http")

    @post("/login/<int:user_id>")
    async def login(self, req: Request, user_id: int) -> Response:
        value = auth.create_signed_cookie_value(user_id)
        return req.response.text("ok").set_cookie("session", value)


class Config(BaseConfig):
    """The configuration the uvicorn tests serve (``tests.websocket.apps:create_app``)."""

    APP_NAME: str = "websocket tests"
    DEBUG: bool = False
    SECRET_KEY: str = SECRET
    OPEN_API: bool = False


def create_app(**settings: Any) -> PyJolt:
    config = Config(**settings)
    application = PyJolt(config)
    auth.init_app(application)
    application.register_controller(SocketsApi)
    application.register_exception_handler(RefusalHandler)
    return application
