"""FastAPI version of the benchmark endpoints."""

from fastapi import FastAPI

from .models import UserIn

app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"message": "hello"}


@app.get("/users/{user_id}")
async def user(user_id: int) -> dict[str, object]:
    return {"id": user_id, "name": "user"}


@app.post("/users", status_code=201)
async def create(user: UserIn) -> UserIn:
    return user
