"""Chat context: the SQL conversation store and @with_chat_context (404 when missing)."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Integer, MetaData, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pyjolt import BaseConfig, PyJolt, Request, Response
from pyjolt.ai import AiInterface, ChatContext, ConversationStore
from pyjolt.ai.testing import ScriptedModelServer
from pyjolt.controller import Controller, consumes, get, path, post
from pyjolt.database import NAMING_CONVENTION, AsyncQueryMixin, SqlDatabase, UtcDateTime
from pyjolt.testing import PyJoltTestClient


class Base(AsyncQueryMixin, DeclarativeBase):
    __db_name__ = "db"
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Conversation(Base):
    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    title: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ConversationMessage(Base):
    __tablename__ = "conversation_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


db = SqlDatabase()
ai = AiInterface(conversations=ConversationStore(db, Conversation, ConversationMessage))


@path("/chats")
class ChatsApi(Controller):
    @post("/")
    async def start(self, req: Request) -> Response:
        context = await ai.conversations.create(  # type: ignore[union-attr]
            title="Support", messages=[{"role": "system", "content": "Be brief."}]
        )
        return req.response.json({"id": context.key}).status(201)

    @get("/<conversation_id>")
    @ai.with_chat_context
    async def show(self, req: Request, conversation_id: str, chat_context: ChatContext) -> Response:
        return req.response.json({"title": chat_context.title, "messages": chat_context.messages})

    @post("/<conversation_id>/messages")
    @consumes("application/json")
    @ai.with_chat_context
    async def say(
        self, req: Request, conversation_id: str, body: dict[str, Any], chat_context: ChatContext
    ) -> Response:
        question = {"role": "user", "content": body["content"]}
        reply = await ai.chat([*chat_context.messages, question])
        await ai.conversations.append(chat_context, [question, *reply.messages])  # type: ignore[union-attr]
        return req.response.json({"content": reply.content})


def make_app(database_path: Path, model_server: ScriptedModelServer) -> PyJolt:
    config = BaseConfig(
        DEBUG=False,
        DATABASE_URI=f"sqlite+aiosqlite:///{database_path}",
        AI_INTERFACE_API_BASE_URL=model_server.base_url,
        AI_INTERFACE_MAX_RETRIES=0,
    )
    app = PyJolt(config)
    db.init_app(app)
    ai.init_app(app)
    app.register_controller(ChatsApi)
    return app


@pytest.fixture
async def database_path(tmp_path: Path) -> Path:
    path_ = tmp_path / "chat.db"
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(f"sqlite+aiosqlite:///{path_}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all)
    await engine.dispose()
    return path_


async def test_a_conversation_keeps_its_history_across_requests_and_app_instances(
    database_path: Path, model_server: ScriptedModelServer
) -> None:
    model_server.reply("Hello Ada.").reply("Your name is Ada.")
    async with PyJoltTestClient(make_app(database_path, model_server)) as client:
        created = await client.post("/chats/")
        key = created.json()["id"]
        first = await client.post(f"/chats/{key}/messages", json={"content": "I am Ada."})
    assert first.json() == {"content": "Hello Ada."}
    # Another app instance on the same database, as a second worker process would be.
    async with PyJoltTestClient(make_app(database_path, model_server)) as client:
        second = await client.post(f"/chats/{key}/messages", json={"content": "Who am I?"})
        shown = await client.get(f"/chats/{key}")
    assert second.json() == {"content": "Your name is Ada."}
    assert [m["content"] for m in model_server.chat_requests()[1]["messages"]] == [
        "Be brief.",
        "I am Ada.",
        "Hello Ada.",
        "Who am I?",
    ]
    assert shown.json()["title"] == "Support"
    assert [m["role"] for m in shown.json()["messages"]] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
    ]


@pytest.mark.parametrize("key", ["8a0f5e1c-2b7d-4c1e-9f3a-6d4b2e1c0a99", "not-a-uuid", "1"])
async def test_an_unknown_conversation_is_a_404_and_the_handler_does_not_run(
    database_path: Path, model_server: ScriptedModelServer, key: str
) -> None:
    async with PyJoltTestClient(make_app(database_path, model_server)) as client:
        shown = await client.get(f"/chats/{key}")
        said = await client.post(f"/chats/{key}/messages", json={"content": "hi"})
    assert (shown.status_code, said.status_code) == (404, 404)
    assert shown.json()["message"] == "Chat not found"
    assert model_server.chat_requests() == []


async def test_only_the_latest_messages_are_loaded(
    database_path: Path, model_server: ScriptedModelServer
) -> None:
    store = ConversationStore(db, Conversation, ConversationMessage, max_messages=3)
    async with PyJoltTestClient(make_app(database_path, model_server)):
        context = await store.create()
        await store.append(context, [{"role": "user", "content": str(n)} for n in range(5)])
        loaded = await store.load(context.key)
    assert loaded is not None
    assert [m["content"] for m in loaded.messages] == ["2", "3", "4"]


async def test_the_default_loader_without_a_store_says_what_to_do(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bare = AiInterface()

    @path("/x")
    class Api(Controller):
        @get("/<conversation_id>")
        @bare.with_chat_context
        async def show(self, req: Request, conversation_id: str, chat_context: Any) -> Response:
            return req.response.json({})

    app = PyJolt(BaseConfig(DEBUG=False))
    app.register_controller(Api)
    async with PyJoltTestClient(app) as client:
        response = await client.get("/x/1")
    assert response.status_code == 500
    assert "set a conversations store" in caplog.text


async def test_a_custom_loader_decides_what_exists() -> None:
    class Custom(AiInterface):
        async def chat_context_loader(self, req: Request) -> Any:
            key = req.route_parameters["conversation_id"]
            return {"custom": key} if key == "known" else None

    custom = Custom()

    @path("/y")
    class CustomApi(Controller):
        @get("/<conversation_id>")
        @custom.with_chat_context
        async def show(self, req: Request, conversation_id: str, chat_context: Any) -> Response:
            return req.response.json(chat_context)

    app = PyJolt(BaseConfig(DEBUG=False))
    app.register_controller(CustomApi)
    async with PyJoltTestClient(app) as client:
        known = await client.get("/y/known")
        unknown = await client.get("/y/other")
    assert known.json() == {"custom": "known"}
    assert unknown.status_code == 404
