"""A scripted OpenAI-compatible model server for tests: ``ScriptedModelServer``.

It listens on 127.0.0.1 (a real HTTP server in a thread, so the app's own client, its
retries and timeouts are exercised) and answers ``/v1/chat/completions`` and
``/v1/embeddings`` with what the test scripted, in order: a text answer, tool calls,
a streamed answer, an error status with headers, or a malformed body. Every request
body is validated against the ``openai`` package's own request types (unknown keys
refused) plus the rule that each tool result answers a tool call of the conversation;
a request that breaks the protocol is answered 400 and recorded, and :meth:`check`
(called when the server stops) fails the test with what was wrong.

    with ScriptedModelServer() as model:
        model.call_tool("current_time", {})
        model.reply("It is noon.")
        ...  # AI_INTERFACE_API_BASE_URL = model.base_url
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import math
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..importing import import_optional


@dataclass
class Answer:
    """One scripted answer to the next chat completion request."""

    kind: str  # "reply", "tools", "stream", "error", "raw"
    content: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before answering (or between stream chunks)
    finish_reason: str = "stop"


@dataclass
class ReceivedRequest:
    path: str
    body: Any
    headers: dict[str, str]


class ProtocolError(AssertionError):
    """A request the app sent did not follow the OpenAI API."""


def _validators() -> dict[str, Any]:
    import_optional("openai", "ScriptedModelServer", "ai")
    from openai.types import embedding_create_params
    from openai.types.chat import completion_create_params
    from pydantic import BaseModel, ConfigDict

    class Chat(BaseModel):
        model_config = ConfigDict(extra="forbid")
        body: completion_create_params.CompletionCreateParamsNonStreaming

    class ChatStreaming(BaseModel):
        model_config = ConfigDict(extra="forbid")
        body: completion_create_params.CompletionCreateParamsStreaming

    class Embeddings(BaseModel):
        model_config = ConfigDict(extra="forbid")
        body: embedding_create_params.EmbeddingCreateParams

    return {"chat": Chat, "chat-stream": ChatStreaming, "embeddings": Embeddings}


def _consume(value: Any) -> None:
    """Validate lazily validated iterables (pydantic checks ``Iterable[...]`` on iteration)."""
    if isinstance(value, dict):
        for item in value.values():
            _consume(item)
    elif isinstance(value, (list, tuple)) or type(value).__name__ == "ValidatorIterator":
        for item in value:
            _consume(item)


def tool_call_problems(messages: Sequence[Any]) -> list[str]:
    """Tool results must answer the tool calls just before them, every call exactly once."""
    problems: list[str] = []
    pending: set[str] = set()
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role == "tool":
            call_id = message.get("tool_call_id")
            if call_id not in pending:
                problems.append(f"messages[{index}] answers unknown tool call {call_id!r}")
            pending.discard(call_id)
            continue
        if pending:
            problems.append(f"messages[{index}]: tool calls {sorted(pending)} got no result")
            pending = set()
        if role == "assistant":
            pending = {call.get("id") for call in message.get("tool_calls") or ()}
    if pending:
        problems.append(f"the last tool calls {sorted(pending)} got no result")
    return problems


def default_embedding(text: str, dimensions: int = 8) -> list[float]:
    """A deterministic unit vector per text (hash-based: equal texts, equal vectors)."""
    digest = hashlib.sha256(text.encode()).digest()
    raw = [digest[i % len(digest)] - 127.5 for i in range(dimensions)]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return [x / norm for x in raw]


class ScriptedModelServer:
    """An OpenAI-protocol HTTP server on 127.0.0.1 whose answers each test scripts."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        embedding: Callable[[str], list[float]] = default_embedding,
        model_name: str = "scripted-model",
    ) -> None:
        self.host = host
        self._port = port
        self.embedding = embedding
        self.model_name = model_name
        self.requests: list[ReceivedRequest] = []
        self.protocol_errors: list[str] = []
        #: Streams the client closed before their last chunk was sent.
        self.cancelled_streams = 0
        self._answers: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._validators = _validators()
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._counter = 0

    # --- scripting -----------------------------------------------------------------------
    def reply(self, content: str, *, delay: float = 0.0) -> ScriptedModelServer:
        """The next request is answered with ``content``."""
        return self._push(Answer("reply", content=content, delay=delay))

    def call_tool(
        self, name: str, arguments: dict[str, Any] | str, *, call_id: str | None = None
    ) -> ScriptedModelServer:
        """The next request is answered with one call of tool ``name``."""
        return self.call_tools([(name, arguments, call_id)])

    def call_tools(
        self, calls: Sequence[tuple[str, dict[str, Any] | str, str | None]]
    ) -> ScriptedModelServer:
        """The next request is answered with several tool calls at once."""
        tool_calls = []
        for name, arguments, call_id in calls:
            text = arguments if isinstance(arguments, str) else json.dumps(arguments)
            tool_calls.append(
                {
                    "id": call_id or self._next_id("call"),
                    "type": "function",
                    "function": {"name": name, "arguments": text},
                }
            )
        return self._push(Answer("tools", tool_calls=tool_calls, finish_reason="tool_calls"))

    def stream(self, chunks: Sequence[str], *, delay: float = 0.0) -> ScriptedModelServer:
        """The next (streaming) request gets ``chunks`` as content deltas."""
        return self._push(Answer("stream", chunks=list(chunks), delay=delay))

    def stream_tool_call(
        self, name: str, arguments: dict[str, Any], *, pieces: int = 3
    ) -> ScriptedModelServer:
        """The next (streaming) request gets one tool call, its arguments split in pieces."""
        text = json.dumps(arguments)
        size = max(len(text) // pieces, 1)
        parts = [text[i : i + size] for i in range(0, len(text), size)]
        call = {"id": self._next_id("call"), "name": name, "parts": parts}
        return self._push(Answer("stream", tool_calls=[call], finish_reason="tool_calls"))

    def error(
        self, status: int, message: str = "scripted error", *, headers: dict[str, str] | None = None
    ) -> ScriptedModelServer:
        """The next request is answered ``status`` with an OpenAI error body."""
        body = json.dumps({"error": {"message": message, "type": "scripted", "code": None}})
        return self._push(Answer("error", status=status, headers=headers or {}, body=body.encode()))

    def raw(
        self, body: bytes, *, status: int = 200, content_type: str = "application/json"
    ) -> ScriptedModelServer:
        """The next request is answered with ``body`` as it is (malformed output)."""
        headers = {"content-type": content_type}
        return self._push(Answer("raw", status=status, headers=headers, body=body))

    def _push(self, answer: Answer) -> ScriptedModelServer:
        with self._lock:
            self._answers.append(answer)
        return self

    def _next_id(self, prefix: str) -> str:
        with self._lock:
            self._counter += 1
            return f"{prefix}_{self._counter}"

    @property
    def pending(self) -> int:
        """Scripted answers not used yet."""
        with self._lock:
            return len(self._answers)

    def chat_requests(self) -> list[Any]:
        """The bodies of the chat completion requests received, in order."""
        return [r.body for r in self.requests if r.path.endswith("/chat/completions")]

    # --- lifecycle -----------------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """What ``AI_INTERFACE_API_BASE_URL`` should be."""
        return f"http://{self.host}:{self._port}/v1"

    def start(self) -> ScriptedModelServer:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._port))
        self._port = sock.getsockname()[1]
        config = uvicorn.Config(self, log_level="warning", lifespan="off", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("ScriptedModelServer did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def check(self) -> None:
        """Fail when a request broke the protocol."""
        if self.protocol_errors:
            raise ProtocolError("\n".join(self.protocol_errors))

    def __enter__(self) -> ScriptedModelServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
        if exc[0] is None:
            self.check()

    # --- ASGI ------------------------------------------------------------------------------
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            data = json.loads(body or b"null")
        except json.JSONDecodeError:
            data = None
        self.requests.append(ReceivedRequest(path, data, headers))
        if scope["method"] != "POST" or path not in ("/v1/chat/completions", "/v1/embeddings"):
            await self._json(send, 404, {"error": {"message": f"no route {path}"}})
            return
        if not headers.get("authorization", "").startswith("Bearer "):
            await self._protocol_error(send, "request without an Authorization bearer key")
            return
        if path == "/v1/embeddings":
            await self._embeddings(send, data)
            return
        problem = self._validate("chat-stream" if _streaming(data) else "chat", data)
        if problem is None:
            messages = data.get("messages") or []
            problems = tool_call_problems(messages)
            problem = "; ".join(problems) if problems else None
        if problem is not None:
            await self._protocol_error(send, problem)
            return
        with self._lock:
            answer = self._answers.popleft() if self._answers else None
        if answer is None:
            await self._protocol_error(send, "a chat request arrived with no scripted answer left")
            return
        if answer.delay and answer.kind != "stream":
            await asyncio.sleep(answer.delay)
        if answer.kind in ("error", "raw"):
            await self._send(send, answer.status, answer.body, answer.headers)
        elif _streaming(data):
            await self._stream(send, receive, answer)
        elif answer.kind == "stream":
            await self._protocol_error(send, "a streamed answer was scripted for a plain request")
        else:
            await self._json(send, 200, self._completion(answer))

    def _validate(self, kind: str, data: Any) -> str | None:
        from pydantic import ValidationError

        if not isinstance(data, dict):
            return "the body is not a JSON object"
        try:
            _consume(self._validators[kind].model_validate({"body": data}).body)
        except ValidationError as exc:
            return f"{kind} request does not match the openai request types: {exc}"
        return None

    async def _protocol_error(self, send: Any, problem: str) -> None:
        self.protocol_errors.append(problem)
        await self._json(send, 400, {"error": {"message": problem, "type": "invalid_request"}})

    async def _embeddings(self, send: Any, data: Any) -> None:
        problem = self._validate("embeddings", data)
        if problem is not None:
            await self._protocol_error(send, problem)
            return
        texts = data["input"] if isinstance(data["input"], list) else [data["input"]]
        if not all(isinstance(text, str) for text in texts):
            await self._protocol_error(send, "embeddings input must be text")
            return
        vectors = [self.embedding(text) for text in texts]
        await self._json(
            send,
            200,
            {
                "object": "list",
                "model": data["model"],
                "data": [
                    {"object": "embedding", "index": i, "embedding": vector}
                    for i, vector in enumerate(vectors)
                ],
                "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
            },
        )

    def _completion(self, answer: Answer) -> dict[str, Any]:
        from openai.types.chat import ChatCompletion

        message: dict[str, Any] = {"role": "assistant", "content": answer.content}
        if answer.tool_calls:
            message["tool_calls"] = answer.tool_calls
        completion = ChatCompletion.model_validate(
            {
                "id": self._next_id("chatcmpl"),
                "object": "chat.completion",
                "created": int(time.time()),
                "model": self.model_name,
                "choices": [
                    {"index": 0, "message": message, "finish_reason": answer.finish_reason}
                ],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }
        )
        return completion.model_dump(mode="json", exclude_none=True)

    async def _stream(self, send: Any, receive: Any, answer: Answer) -> None:
        from openai.types.chat import ChatCompletionChunk

        completion_id = self._next_id("chatcmpl")

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            data = ChatCompletionChunk.model_validate(
                {
                    "id": completion_id,
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": self.model_name,
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
            ).model_dump_json(exclude_none=True)
            return f"data: {data}\n\n".encode()

        events = [chunk({"role": "assistant", "content": ""})]
        if answer.kind == "reply":
            events.append(chunk({"content": answer.content or ""}))
        events.extend(chunk({"content": text}) for text in answer.chunks)
        for index, call in enumerate(answer.tool_calls):
            parts = call.get("parts")
            if parts is None:  # a plain tool-call answer, sent in one piece
                events.append(chunk({"tool_calls": [{"index": index, **call}]}))
                continue
            first = {"index": index, "id": call["id"], "type": "function"}
            events.append(chunk({"tool_calls": [{**first, "function": {"name": call["name"]}}]}))
            events.extend(
                chunk({"tool_calls": [{"index": index, "function": {"arguments": part}}]})
                for part in parts
            )
        events.append(chunk({}, answer.finish_reason))
        events.append(b"data: [DONE]\n\n")
        disconnected = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            disconnected.set()

        watcher = asyncio.create_task(watch())
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        try:
            for event in events:
                if disconnected.is_set():
                    self.cancelled_streams += 1
                    return
                await send({"type": "http.response.body", "body": event, "more_body": True})
                if answer.delay:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(disconnected.wait(), answer.delay)
            await send({"type": "http.response.body", "body": b""})
        except OSError:
            self.cancelled_streams += 1
        finally:
            watcher.cancel()

    async def _json(self, send: Any, status: int, data: Any) -> None:
        await self._send(send, status, json.dumps(data).encode(), {})

    async def _send(self, send: Any, status: int, body: bytes, headers: dict[str, str]) -> None:
        merged = {"content-type": "application/json", **{k.lower(): v for k, v in headers.items()}}
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in merged.items()],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _streaming(data: Any) -> bool:
    return isinstance(data, dict) and data.get("stream") is True
