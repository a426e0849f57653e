"""Embeddings: the server's /embeddings endpoint and a real local model (all-MiniLM-L6-v2)."""

from __future__ import annotations

import asyncio
import math
import time
from typing import Any

import pytest

from pyjolt.ai import AiInterface, OpenAIEmbeddings, SentenceTransformerEmbeddings
from pyjolt.ai.embeddings import load_sentence_transformer
from pyjolt.ai.testing import ScriptedModelServer
from pyjolt.testing import PyJoltTestClient

from .conftest import AppFactory


def cosine(a: list[float], b: list[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    return dot / (math.hypot(*a) * math.hypot(*b))


async def test_server_embeddings_come_back_in_order_in_batches(
    make_ai_app: AppFactory, model_server: ScriptedModelServer
) -> None:
    ai = AiInterface()
    app = make_ai_app(
        ai, AI_INTERFACE_EMBEDDINGS_MODEL="embedder", AI_INTERFACE_EMBEDDINGS_BATCH_SIZE=2
    )
    texts = ["one", "two", "three", "four", "five"]
    async with PyJoltTestClient(app):
        vectors = await ai.embed(texts)
    assert vectors == [model_server.embedding(text) for text in texts]
    bodies = [r.body for r in model_server.requests if r.path == "/v1/embeddings"]
    assert [b["input"] for b in bodies] == [["one", "two"], ["three", "four"], ["five"]]
    assert {b["model"] for b in bodies} == {"embedder"}
    assert isinstance(ai.embeddings, OpenAIEmbeddings)


async def test_one_text_is_refused_as_a_list_of_characters(
    make_ai_app: AppFactory, model_server: ScriptedModelServer
) -> None:
    ai = AiInterface()
    async with PyJoltTestClient(make_ai_app(ai)):
        with pytest.raises(TypeError, match="embed_one"):
            await ai.embed("a sentence")  # type: ignore[arg-type]
        assert len(await ai.embed_one("a sentence")) == 8


def test_local_embeddings_are_configured_from_settings(make_ai_app: AppFactory) -> None:
    ai = AiInterface()
    make_ai_app(
        ai,
        AI_INTERFACE_EMBEDDINGS_PROVIDER="local",
        AI_INTERFACE_EMBEDDINGS_MODEL="/models/minilm",
        AI_INTERFACE_EMBEDDINGS_BATCH_SIZE=8,
    )
    provider = ai.embeddings
    assert isinstance(provider, SentenceTransformerEmbeddings)
    assert (provider.model_name, provider.batch_size) == ("/models/minilm", 8)
    assert provider.trust_remote_code is False


async def test_a_local_model_puts_a_paraphrase_nearer_than_an_unrelated_sentence(
    local_embeddings: SentenceTransformerEmbeddings,
) -> None:
    query, paraphrase, unrelated = await local_embeddings.embed(
        [
            "How do I reset my password?",
            "I forgot my password and need to change it.",
            "The weather in Lisbon is sunny today.",
        ]
    )
    assert len(query) == 384
    assert local_embeddings.dimensions == 384
    assert cosine(query, paraphrase) > cosine(query, unrelated) + 0.3
    assert math.hypot(*query) == pytest.approx(1.0, abs=1e-5)  # normalised


async def test_the_local_model_is_loaded_once_per_process(minilm_path: str) -> None:
    first = SentenceTransformerEmbeddings(minilm_path)
    second = SentenceTransformerEmbeddings(minilm_path)
    await first.embed(["warm"])
    assert first.model is second.model
    assert first.model is load_sentence_transformer(minilm_path)


async def test_the_local_model_runs_off_the_event_loop(
    local_embeddings: SentenceTransformerEmbeddings,
) -> None:
    ticks = 0
    done = False

    async def ticker() -> None:
        nonlocal ticks
        while not done:
            ticks += 1
            await asyncio.sleep(0.005)

    texts = [f"sentence number {n} about a different topic each time" for n in range(256)]
    task = asyncio.create_task(ticker())
    started = time.monotonic()
    vectors = await local_embeddings.embed(texts)
    elapsed = time.monotonic() - started
    done = True
    await task
    assert len(vectors) == 256
    # The loop kept ticking while the batch was encoded in a worker thread.
    assert ticks >= max(elapsed / 0.005 * 0.1, 3), (ticks, elapsed)


def test_remote_code_stays_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    import sentence_transformers

    seen: dict[str, Any] = {}

    class Recorder:
        def __init__(self, name: str, **options: Any) -> None:
            seen.update(options, name=name)

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", Recorder)
    load_sentence_transformer("a-model-never-loaded-elsewhere", "cpu")
    assert seen == {
        "name": "a-model-never-loaded-elsewhere",
        "device": "cpu",
        "trust_remote_code": False,
    }
