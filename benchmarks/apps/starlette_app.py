"""Starlette version of the benchmark endpoints (validation done by hand, as Starlette users do)."""

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket

from .models import UserIn


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"message": "hello"})


async def user(request: Request) -> JSONResponse:
    return JSONResponse({"id": request.path_params["user_id"], "name": "user"})


async def create(request: Request) -> Response:
    try:
        data = UserIn.model_validate_json(await request.body())
    except ValidationError as exc:
        return JSONResponse({"errors": exc.errors(include_url=False, include_context=False)}, 422)
    return Response(data.model_dump_json(), 201, media_type="application/json")


async def echo(websocket: WebSocket) -> None:
    await websocket.accept()
    async for message in websocket.iter_text():
        await websocket.send_text(message)


app = Starlette(
    routes=[
        Route("/hello", hello),
        Route("/users/{user_id:int}", user),
        Route("/users", create, methods=["POST"]),
        WebSocketRoute("/ws/echo", echo),
    ]
)
