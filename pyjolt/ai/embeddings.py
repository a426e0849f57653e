"""Embeddings: texts to vectors, from the model server or from a local model.

:class:`OpenAIEmbeddings` calls the ``/embeddings`` endpoint of any OpenAI-compatible
server through the AiInterface's client. :class:`SentenceTransformerEmbeddings` runs a
sentence-transformers model in this process (``pip install "pyjolt[ai-local]"``): the
model is loaded once per process and shared by every provider naming it, encoding runs
in a worker thread (it takes milliseconds to seconds of CPU and would stall the event
loop), and texts are encoded in batches.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..importing import import_optional
from .chat import call_upstream
from .errors import AiUpstreamError

if TYPE_CHECKING:
    from .interface import AiInterface

logger = logging.getLogger(__name__)


class Embeddings(ABC):
    """A provider of embeddings: ``await provider.embed(["text", ...])``."""

    #: Vectors' length when known before the first call (None: ask the model).
    dimensions: int | None = None

    @abstractmethod
    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in the order given."""

    async def embed_one(self, text: str) -> list[float]:
        return (await self.embed([text]))[0]

    async def close(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release what the provider holds (nothing by default)."""


def _batches(texts: Sequence[str], size: int) -> list[Sequence[str]]:
    return [texts[start : start + size] for start in range(0, len(texts), size)]


def _check_texts(texts: Sequence[str]) -> None:
    if isinstance(texts, str):
        raise TypeError("embed() takes a list of texts; for one text use embed_one(text)")


class OpenAIEmbeddings(Embeddings):
    """The ``/embeddings`` endpoint of the AiInterface's server (OpenAI, Ollama, vLLM...)."""

    def __init__(
        self,
        ai: AiInterface,
        model: str = "text-embedding-3-small",
        dimensions: int | None = None,
        batch_size: int = 64,
    ) -> None:
        self.ai = ai
        self.model = model
        self.dimensions = dimensions
        self.batch_size = batch_size

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        _check_texts(texts)
        vectors: list[list[float]] = []
        for batch in _batches(texts, self.batch_size):
            body: dict[str, Any] = {"model": self.model, "input": list(batch)}
            if self.dimensions is not None:
                body["dimensions"] = self.dimensions
            body["encoding_format"] = "float"
            response = await call_upstream(self.ai.client.embeddings.create, body)
            items = sorted(response.data, key=lambda item: item.index)
            if len(items) != len(batch):
                raise AiUpstreamError(
                    "The AI service answered a different number of embeddings",
                    detail=f"asked for {len(batch)}, got {len(items)}",
                )
            vectors.extend([float(x) for x in item.embedding] for item in items)
        return vectors


_MODELS: dict[tuple[str, str, bool], Any] = {}
_MODELS_LOCK = threading.Lock()


def load_sentence_transformer(
    name: str, device: str = "cpu", trust_remote_code: bool = False
) -> Any:
    """The process's one instance of a sentence-transformers model (loaded on first use)."""
    key = (name, device, trust_remote_code)
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            module = import_optional(
                "sentence_transformers",
                "Local embeddings (SentenceTransformerEmbeddings)",
                "ai-local",
            )
            logger.info("loading sentence-transformers model %s on %s", name, device)
            model = module.SentenceTransformer(
                name, device=device, trust_remote_code=trust_remote_code
            )
            _MODELS[key] = model
        return model


class SentenceTransformerEmbeddings(Embeddings):
    """A sentence-transformers model running in this process, off the event loop.

    ``model`` is a model name (looked up in the local Hugging Face cache, or fetched when
    the machine may) or a folder. ``trust_remote_code`` stays off unless you trust the
    model's own Python code. ``normalize=True`` returns unit vectors, so cosine and inner
    product rank alike.
    """

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        batch_size: int = 64,
        trust_remote_code: bool = False,
        normalize: bool = True,
    ) -> None:
        self.model_name = model
        self.device = device
        self.batch_size = batch_size
        self.trust_remote_code = trust_remote_code
        self.normalize = normalize
        # One encode at a time per provider: torch already uses every core for one batch.
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        return load_sentence_transformer(self.model_name, self.device, self.trust_remote_code)

    async def load(self) -> None:
        """Load the model now (in a thread), e.g. at startup, instead of on the first call."""
        await asyncio.to_thread(lambda: self.model)
        self.dimensions = self._dimension()

    def _dimension(self) -> int | None:
        model = self.model
        getter = getattr(model, "get_embedding_dimension", None) or getattr(
            model, "get_sentence_embedding_dimension", None
        )
        return int(getter()) if getter is not None else None

    def _encode(self, texts: list[str]) -> list[list[float]]:
        with self._lock:
            array = self.model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=self.normalize,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return [[float(x) for x in row] for row in array]

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        _check_texts(texts)
        if not texts:
            return []
        return await asyncio.to_thread(self._encode, list(texts))


def embeddings_from_settings(ai: AiInterface) -> Embeddings:
    """The provider the ``AI_INTERFACE_EMBEDDINGS_*`` settings describe."""
    settings = ai.settings
    if settings.EMBEDDINGS_PROVIDER == "local":
        return SentenceTransformerEmbeddings(
            settings.EMBEDDINGS_MODEL,
            device=settings.EMBEDDINGS_DEVICE,
            batch_size=settings.EMBEDDINGS_BATCH_SIZE,
            trust_remote_code=settings.EMBEDDINGS_TRUST_REMOTE_CODE,
        )
    return OpenAIEmbeddings(
        ai,
        model=settings.EMBEDDINGS_MODEL,
        dimensions=settings.EMBEDDINGS_DIMENSIONS,
        batch_size=settings.EMBEDDINGS_BATCH_SIZE,
    )
