"""A controller that joins sockets to rooms and publishes to them from sockets and HTTP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from pyjolt import BaseConfig, MediaType, PyJolt, Request, Response
from pyjolt.channels import Channels
from pyjolt.controller import Controller, consumes, get, path, post
from pyjolt.websocket import WebSocket, websocket


class Note(BaseModel):
    text: str


@path("/rooms")
class RoomsApi(Controller):
    @websocket("/<name>")
    async def join(self, ws: WebSocket, name: str) -> None:
        await ws.accept()
        await self.app.channels.subscribe(ws, name)
        await ws.send_json({"joined": name})
        async for message in ws:
            await self.app.channels.publish(name, {"from": "socket", "text": message})

    @post("/<name>/messages")
    @consumes(MediaType.APPLICATION_JSON)
    async def post_message(self, req: Request, name: str, note: Note) -> Response:
        await self.app.channels.publish(name, {"from": "http", "text": note.text})
        return req.response.json({"here": self.app.channels.group_size(name)})

    @get("/<name>/size")
    async def size(self, req: Request, name: str) -> Response:
        return req.response.json({"here": self.app.channels.group_size(name)})


class Config(BaseConfig):
    APP_NAME: str = "rooms"
    DEBUG: bool = False
    OPEN_API: bool = False
    CHANNELS_REDIS_URL: str | None = None
    CHANNELS_KEY_PREFIX: str = "pyjolt:channels:"


def create_app(**settings: Any) -> PyJolt:
    application = PyJolt(Config(**settings))
    Channels().init_app(application)
    application.register_controller(RoomsApi)
    return application
