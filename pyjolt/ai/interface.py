"""AiInterface: the extension that talks to an OpenAI-compatible model server.

One ``AsyncOpenAI`` client per app, made when the app starts and closed when it stops
(its connection pool is reused by every request). ``chat()`` runs the tool-call loop;
``embed()`` turns texts into vectors with the configured provider.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Coroutine, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from ..controller.endpoint import as_async
from ..controller.metadata import declare_injected
from ..exceptions.http_exceptions import NotFound
from ..extension import BaseExtension
from ..importing import import_optional
from .chat import ChatReply, ChatRequest, ChatStream, Message, complete, response_format_for
from .errors import AiConfigError
from .settings import AiSettings, load_settings
from .tools import bind_tools, class_tools

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..app import PyJolt
    from ..request import Request
    from .conversations import ConversationStore
    from .embeddings import Embeddings

logger = logging.getLogger(__name__)

M = TypeVar("M", bound="BaseModel")
F = TypeVar("F", bound=Callable[..., Any])

#: The handler parameter ``@with_chat_context`` fills.
CHAT_CONTEXT_PARAMETER = "chat_context"
#: The route parameter the default context loader reads.
CONVERSATION_ROUTE_PARAMETER = "conversation_id"
#: The key an API key-less local server (Ollama, llama.cpp) is given: the client needs one.
PLACEHOLDER_API_KEY = "not-needed"


class AiInterface(BaseExtension):
    """Chat with tools, structured output, streaming and embeddings over one client.

    Configure it with ``AI_INTERFACE_*`` keys (see :class:`~pyjolt.ai.settings.AiSettings`;
    each is overridable by an environment variable of the same name). Subclass it to add
    ``@tool`` methods offered in every chat, a ``conversations`` store, or your own
    ``chat_context_loader``.
    """

    name = "ai_interface"
    #: A SQL-backed store of conversations; the default context loader uses it.
    conversations: ConversationStore | None = None

    def __init__(
        self,
        variable_prefix: str = "",
        *,
        conversations: ConversationStore | None = None,
        embeddings: Embeddings | None = None,
    ) -> None:
        super().__init__(variable_prefix)
        if conversations is not None:
            self.conversations = conversations
        self._settings: AiSettings | None = None
        self._client: Any = None
        self._missing: AiConfigError | None = None  # why start() made no client
        self._embeddings = embeddings
        self._own_tools = class_tools(type(self))  # compiled now, not in a request

    # --- extension ---------------------------------------------------------------------
    def init_app(self, app: PyJolt) -> None:
        self._settings = load_settings(app.configs, self.variable_prefix)
        super().init_app(app)
        app.add_on_startup(self.start)
        app.add_on_shutdown(self.stop)

    @property
    def settings(self) -> AiSettings:
        if self._settings is None:
            raise AiConfigError(
                f"{type(self).__name__} is not initialised: add it to EXTENSIONS or call "
                "init_app(app)"
            )
        return self._settings

    def _api_key(self) -> str:
        settings = self.settings
        key = settings.API_KEY or os.environ.get("OPENAI_API_KEY")
        if key:
            return key
        if settings.API_BASE_URL:
            return PLACEHOLDER_API_KEY  # a local server that checks no key
        raise AiConfigError(
            f"{self.variable_prefix}AI_INTERFACE_API_KEY is not set (nor OPENAI_API_KEY): set "
            f"it, or set {self.variable_prefix}AI_INTERFACE_API_BASE_URL to a server that "
            "needs no key (Ollama, llama.cpp, vLLM)"
        )

    def create_client(self) -> Any:
        """A new ``AsyncOpenAI`` client from the settings (``start()`` keeps one)."""
        openai = import_optional("openai", "AiInterface", "ai")
        settings = self.settings
        return openai.AsyncOpenAI(
            api_key=self._api_key(),
            base_url=settings.API_BASE_URL,
            organization=settings.ORGANIZATION_ID,
            project=settings.PROJECT_ID,
            timeout=settings.TIMEOUT,
            max_retries=settings.MAX_RETRIES,
        )

    async def start(self) -> None:
        """Create the client (a startup hook).

        Without an API key or a server URL the app still starts (its other endpoints and
        commands work); each chat then fails with the error naming the missing setting.
        """
        if self._client is not None:
            return
        try:
            self._client = self.create_client()
        except AiConfigError as exc:
            self._missing = exc
            logger.warning("%s; chat() and embed() fail until it is set", exc)

    async def stop(self) -> None:
        """Close the client and its connections (a shutdown hook)."""
        client, self._client = self._client, None
        if client is not None:
            await client.close()
        if self._embeddings is not None:
            await self._embeddings.close()

    @property
    def client(self) -> Any:
        """The app's ``AsyncOpenAI`` client; exists between startup and shutdown."""
        if self._client is None and self._missing is not None:
            raise self._missing
        if self._client is None:
            raise AiConfigError(
                f"{type(self).__name__} has no client: the app has not started (run it "
                "with its lifespan, e.g. through PyJoltTestClient or a server)"
            )
        return self._client

    # --- chat --------------------------------------------------------------------------
    @overload
    def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Iterable[Any] | None = None,
        stream: Literal[False] = False,
        response_model: None = None,
        req: Request | None = None,
        **overrides: Any,
    ) -> Coroutine[Any, Any, ChatReply]: ...
    @overload
    def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Iterable[Any] | None = None,
        stream: Literal[False] = False,
        response_model: type[M],
        req: Request | None = None,
        **overrides: Any,
    ) -> Coroutine[Any, Any, M]: ...
    @overload
    def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Iterable[Any] | None = None,
        stream: Literal[True],
        response_model: None = None,
        req: Request | None = None,
        **overrides: Any,
    ) -> ChatStream: ...
    def chat(
        self,
        messages: Sequence[Message],
        *,
        tools: Iterable[Any] | None = None,
        stream: bool = False,
        response_model: type[BaseModel] | None = None,
        req: Request | None = None,
        **overrides: Any,
    ) -> Any:
        """Send ``messages`` to the model and run the tool calls it makes.

        ``tools``: bound ``@tool`` methods, ``@tool`` functions or objects whose ``@tool``
        methods are offered (a controller: ``tools=[self]``); by default this extension's
        own ``@tool`` methods. ``req`` is passed to tools that take the request (and their
        authentication checks). ``response_model`` asks for JSON matching a pydantic
        model and returns a validated instance (one repair round if it does not
        validate). ``stream=True`` returns a :class:`ChatStream` of text deltas instead
        of a coroutine. Other keyword arguments go to the request as given
        (``model="..."``, ``temperature=0``, ``max_tokens=...``).
        """
        if stream and response_model is not None:
            raise TypeError("chat(): stream=True and response_model cannot be combined")
        request = self._chat_request(messages, tools, response_model, req, overrides)
        if stream:
            return ChatStream(self.client, request)
        return self._complete(request)

    async def _complete(self, request: ChatRequest) -> Any:
        reply = await complete(self.client, request)
        return reply.parsed if request.response_model is not None else reply

    async def chat_reply(
        self,
        messages: Sequence[Message],
        *,
        response_model: type[BaseModel],
        tools: Iterable[Any] | None = None,
        req: Request | None = None,
        **overrides: Any,
    ) -> ChatReply:
        """Like ``chat(response_model=...)`` but the whole reply (``reply.parsed`` is the model).

        For storing the conversation: ``reply.messages`` are the new messages.
        """
        request = self._chat_request(messages, tools, response_model, req, overrides)
        return await complete(self.client, request)

    def _chat_request(
        self,
        messages: Sequence[Message],
        tools: Iterable[Any] | None,
        response_model: type[BaseModel] | None,
        req: Request | None,
        overrides: dict[str, Any],
    ) -> ChatRequest:
        settings = self.settings
        bound = bind_tools([self] if tools is None and self._own_tools else tools or [])
        params: dict[str, Any] = {"model": settings.MODEL}
        if settings.TEMPERATURE is not None:
            params["temperature"] = settings.TEMPERATURE
        if bound:
            params["tools"] = [tool.spec.definition() for tool in bound.values()]
            if settings.TOOL_CHOICE is not None:
                params["tool_choice"] = settings.TOOL_CHOICE
        if response_model is not None:
            params["response_format"] = response_format_for(response_model)
        elif settings.RESPONSE_FORMAT is not None:
            params["response_format"] = settings.RESPONSE_FORMAT
        max_rounds = int(overrides.pop("max_tool_rounds", settings.MAX_TOOL_ROUNDS))
        params.update(overrides)
        return ChatRequest(
            messages=[dict(message) for message in messages],
            tools=bound,
            params=params,
            max_rounds=max_rounds,
            req=req,
            response_model=response_model,
        )

    # --- embeddings --------------------------------------------------------------------
    @property
    def embeddings(self) -> Embeddings:
        """The embeddings provider: given to the constructor, else from the settings."""
        if self._embeddings is None:
            from .embeddings import embeddings_from_settings

            self._embeddings = embeddings_from_settings(self)
        return self._embeddings

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """One vector per text, in order."""
        return await self.embeddings.embed(texts)

    async def embed_one(self, text: str) -> list[float]:
        return (await self.embeddings.embed([text]))[0]

    # --- chat context ------------------------------------------------------------------
    async def chat_context_loader(self, req: Request) -> Any:
        """The chat context of ``req``, or None (404). Override it for your own storage.

        By default: the conversation of the ``conversation_id`` route parameter from
        ``conversations``.
        """
        if self.conversations is None:
            raise NotImplementedError(
                f"{type(self).__name__}.chat_context_loader: set a conversations store "
                "(AiInterface(conversations=ConversationStore(...))) or override the loader"
            )
        key = req.route_parameters.get(CONVERSATION_ROUTE_PARAMETER)
        if key is None:
            raise NotImplementedError(
                f"{type(self).__name__}.chat_context_loader reads the route parameter "
                f"<{CONVERSATION_ROUTE_PARAMETER}>; the route has none (override the loader)"
            )
        return await self.conversations.load(key)

    def with_chat_context(self, handler: F) -> F:
        """Load the chat context before ``handler`` and pass it as ``chat_context``.

        No context (the loader returned None) answers 404 without running the handler.
        """
        call = as_async(handler)

        @functools.wraps(handler)
        async def load_context(controller: Any, req: Request, *args: Any, **kwargs: Any) -> Any:
            context = await self.chat_context_loader(req)
            if context is None:
                raise NotFound("Chat not found")
            kwargs[CHAT_CONTEXT_PARAMETER] = context
            return await call(controller, req, *args, **kwargs)

        declare_injected(load_context, CHAT_CONTEXT_PARAMETER)
        return load_context  # type: ignore[return-value]
