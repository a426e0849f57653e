"""The AI interface: chat with tools, structured output, streaming, embeddings.

``pip install "pyjolt[ai]"`` (the openai client); ``pip install "pyjolt[ai-local]"`` adds
sentence-transformers for local embeddings. Importing this package imports neither:
the client is made when the app starts, the local model on first use.
"""

from ..database.vector import Vector, hnsw_index
from ..streaming import ServerSentEvent
from .chat import ChatReply, ChatStream, Message
from .conversations import ChatContext, ConversationStore
from .embeddings import Embeddings, OpenAIEmbeddings, SentenceTransformerEmbeddings
from .errors import (
    AiConfigError,
    AiError,
    AiRateLimitedError,
    AiTimeoutError,
    AiUpstreamError,
    StructuredOutputError,
    ToolDefinitionError,
    ToolError,
    ToolLoopLimitError,
)
from .interface import AiInterface
from .settings import AiSettings
from .tools import ToolSpec, compile_tool, tool

__all__ = [
    "AiConfigError",
    "AiError",
    "AiInterface",
    "AiRateLimitedError",
    "AiSettings",
    "AiTimeoutError",
    "AiUpstreamError",
    "ChatContext",
    "ChatReply",
    "ChatStream",
    "ConversationStore",
    "Embeddings",
    "Message",
    "OpenAIEmbeddings",
    "SentenceTransformerEmbeddings",
    "ServerSentEvent",
    "StructuredOutputError",
    "ToolDefinitionError",
    "ToolError",
    "ToolLoopLimitError",
    "ToolSpec",
    "Vector",
    "compile_tool",
    "hnsw_index",
    "tool",
]
