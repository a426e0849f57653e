"""PyJolt version of the benchmark endpoints."""

from pyjolt import BaseConfig, HttpStatus, MediaType, PyJolt, Request, Response
from pyjolt.controller import Controller, consumes, get, path, post, produces
from pyjolt.websocket import WebSocket, websocket

from .models import UserIn


@path("")
class BenchApi(Controller):
    @get("/hello")
    async def hello(self, req: Request) -> Response:
        return req.response.json({"message": "hello"})

    @get("/users/<int:user_id>")
    async def user(self, req: Request, user_id: int) -> Response:
        return req.response.json({"id": user_id, "name": "user"})

    @post("/users")
    @consumes(MediaType.APPLICATION_JSON)
    @produces(MediaType.APPLICATION_JSON, status_code=HttpStatus.CREATED)
    async def create(self, req: Request, user: UserIn) -> Response[UserIn]:
        return req.response.json(user)

    @websocket("/ws/echo")
    async def echo(self, ws: WebSocket) -> None:
        await ws.accept()
        async for message in ws:
            await ws.send_text(message)


class Config(BaseConfig):
    APP_NAME: str = "bench"
    DEBUG: bool = False
    OPEN_API: bool = False


app = PyJolt(Config())
app.register_controller(BenchApi)
app.build()
