"""Litestar version of the benchmark endpoints."""

from litestar import Litestar, get, post

from .models import UserIn


@get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "hello"}


@get("/users/{user_id:int}")
async def user(user_id: int) -> dict[str, object]:
    return {"id": user_id, "name": "user"}


@post("/users", status_code=201)
async def create(data: UserIn) -> UserIn:
    return data


app = Litestar(route_handlers=[hello, user, create], openapi_config=None)
