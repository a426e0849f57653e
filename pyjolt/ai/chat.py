"""One ``chat()`` call: requests to the model, the tool-call loop, structured output, streaming.

The loop: send the messages (and the tools' schemas); when the model answers with tool
calls, run each (arguments validated first; failures become error results), append
the results and ask again, at most ``MAX_TOOL_ROUNDS`` times. Messages are plain dicts
in the OpenAI chat format, so a conversation can be stored as JSON and sent to any
OpenAI-compatible server.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import (
    AiRateLimitedError,
    AiTimeoutError,
    AiUpstreamError,
    StructuredOutputError,
    ToolLoopLimitError,
)
from .tools import BoundTool, run_tool

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..request import Request

logger = logging.getLogger(__name__)

Message = dict[str, Any]
"""One chat message as the OpenAI API writes it: ``{"role": "user", "content": "..."}``."""

REPAIR_PROMPT = (
    "Your previous answer did not match the required JSON schema ({problems}). "
    "Answer again with only a JSON value that matches the schema."
)


@dataclass
class ChatReply:
    """What a ``chat()`` call produced.

    ``messages`` are the new messages of this call (assistant tool calls, tool results,
    the final answer), ready to append to a stored conversation.
    """

    content: str
    messages: list[Message] = field(default_factory=list)
    tool_calls: list[str] = field(default_factory=list)  # names, in the order run
    finish_reason: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    parsed: Any = None


@dataclass
class ChatRequest:
    """Everything one ``chat()`` call sends, resolved from settings and overrides."""

    messages: list[Message]
    tools: dict[str, BoundTool]
    params: dict[str, Any]
    max_rounds: int
    req: Request | None
    response_model: type[BaseModel] | None = None

    def body(self, messages: list[Message]) -> dict[str, Any]:
        return {**self.params, "messages": messages}


def response_format_for(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON-schema ``response_format`` asking for an instance of ``model``."""
    name = "".join(c if c.isalnum() or c in "_-" else "_" for c in model.__name__)[:64]
    return {
        "type": "json_schema",
        "json_schema": {"name": name, "schema": model.model_json_schema(), "strict": False},
    }


def map_upstream_error(exc: Exception) -> Exception:
    """The openai package's exception as one of ours (502/504 to the client)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return AiTimeoutError()
    if isinstance(exc, openai.RateLimitError):
        return AiRateLimitedError(detail=str(exc), retry_after=_retry_after(exc.response))
    if isinstance(exc, openai.APIStatusError):
        return AiUpstreamError(
            f"The AI service answered with an error (HTTP {exc.status_code})",
            detail=str(exc),
            upstream_status=exc.status_code,
        )
    if isinstance(exc, openai.APIConnectionError):
        return AiUpstreamError("The AI service could not be reached", detail=str(exc))
    if isinstance(exc, openai.APIResponseValidationError | openai.APIError):
        return AiUpstreamError("The AI service sent an invalid response", detail=str(exc))
    return exc


def _retry_after(response: Any) -> float | None:
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


async def call_upstream(create: Callable[..., Awaitable[Any]], body: dict[str, Any]) -> Any:
    """Call the client's ``create``, turning the openai package's errors into ours."""
    import openai

    try:
        return await create(**body)
    except openai.OpenAIError as exc:
        mapped = map_upstream_error(exc)
        logger.warning("AI request failed: %s", exc)
        raise mapped from exc
    except ValueError as exc:  # a body that is not JSON
        logger.warning("AI response could not be read: %s", exc)
        raise invalid_response(str(exc)) from exc


def invalid_response(detail: str) -> AiUpstreamError:
    return AiUpstreamError("The AI service sent an invalid response", detail=detail)


def first_message(completion: Any) -> tuple[Any, Any]:
    """``(choice, message)`` of a completion, checked: the client does not validate bodies."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise invalid_response(f"no choices in {str(completion)[:200]}")
    choice = choices[0]
    message = getattr(choice, "message", None)
    content = getattr(message, "content", 0)
    if message is None or not (content is None or isinstance(content, str)):
        raise invalid_response(f"no message in {str(choice)[:200]}")
    for call in getattr(message, "tool_calls", None) or ():
        function = getattr(call, "function", None)
        if function is not None and not isinstance(getattr(function, "name", None), str):
            raise invalid_response(f"a tool call without a name: {str(call)[:200]}")
    return choice, message


def _usage_of(completion: Any, totals: dict[str, int]) -> None:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return
    for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
        totals[key] = totals.get(key, 0) + int(getattr(usage, key, 0) or 0)


def assistant_message(content: str | None, tool_calls: list[dict[str, Any]]) -> Message:
    message: Message = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = tool_calls
    return message


async def run_tool_calls(
    request: ChatRequest, tool_calls: list[dict[str, Any]], reply: ChatReply
) -> list[Message]:
    """Run the calls in order; one ``tool`` message per call, whatever happened."""
    results: list[Message] = []
    for call in tool_calls:
        function = call.get("function") or {}
        name = str(function.get("name", ""))
        bound = request.tools.get(name)
        if bound is None:
            content = f'{{"error": "there is no tool called {name[:64]!r}"}}'
            logger.info("the model called an unknown tool %r", name[:64])
        else:
            content, _ok = await run_tool(bound, str(function.get("arguments") or ""), request.req)
            reply.tool_calls.append(name)
        results.append({"role": "tool", "tool_call_id": call.get("id", ""), "content": content})
    return results


def _tool_call_dicts(message: Any) -> list[dict[str, Any]]:
    calls = []
    for call in message.tool_calls or ():
        function = getattr(call, "function", None)
        if function is None:  # a custom (non-function) tool call: not ours to run
            continue
        calls.append(
            {
                "id": call.id,
                "type": "function",
                "function": {"name": function.name, "arguments": function.arguments or ""},
            }
        )
    return calls


async def complete(client: Any, request: ChatRequest) -> ChatReply:
    """Run the tool loop to a final answer (validated when a response model is set)."""
    reply = ChatReply(content="")
    history = list(request.messages)
    repaired = False
    rounds = 0
    while True:
        completion = await call_upstream(client.chat.completions.create, request.body(history))
        _usage_of(completion, reply.usage)
        choice, message = first_message(completion)
        tool_calls = _tool_call_dicts(message)
        answer = assistant_message(message.content, tool_calls)
        history.append(answer)
        reply.messages.append(answer)
        reply.finish_reason = choice.finish_reason
        if tool_calls:
            if rounds >= request.max_rounds:
                raise ToolLoopLimitError(
                    detail=f"still calling tools after {request.max_rounds} rounds"
                )
            rounds += 1
            results = await run_tool_calls(request, tool_calls, reply)
            history.extend(results)
            reply.messages.extend(results)
            continue
        reply.content = message.content or ""
        if request.response_model is None:
            return reply
        refusal = getattr(message, "refusal", None)
        if refusal:
            raise StructuredOutputError(detail=f"the model refused: {refusal}", output=refusal)
        parsed, problems = parse_structured(request.response_model, reply.content)
        if problems is None:
            reply.parsed = parsed
            return reply
        if repaired:
            raise StructuredOutputError(detail=problems, output=reply.content)
        repaired = True
        logger.info("structured output did not validate (%s); asking once more", problems)
        repair = {"role": "user", "content": REPAIR_PROMPT.format(problems=problems)}
        history.append(repair)
        reply.messages.append(repair)


def parse_structured(model: type[BaseModel], text: str) -> tuple[Any, str | None]:
    """``(instance, None)`` when ``text`` is valid JSON for ``model``, else ``(None, why)``."""
    from pydantic import ValidationError

    cleaned = text.strip()
    if cleaned.startswith("```"):  # some servers wrap JSON in a Markdown fence
        cleaned = cleaned.strip("`").removeprefix("json").strip()
    try:
        return model.model_validate_json(cleaned), None
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(value)'}: {e['msg']}"
            for e in exc.errors(include_url=False)[:10]
        )
        return None, problems


class ChatStream:
    """The deltas of a streamed ``chat()``: ``async for text in ai.chat(..., stream=True)``.

    Tool calls the model makes while streaming are run between rounds, as in a plain
    call; only the text of the answer is yielded. After the iteration ends, ``reply``
    holds the whole answer and the new messages (to store the conversation). Closing the
    iterator early (the client went away) closes the upstream response.
    """

    def __init__(self, client: Any, request: ChatRequest) -> None:
        self._client = client
        self._request = request
        self.reply = ChatReply(content="")
        self._iterator: AsyncIterator[str] | None = None

    def __aiter__(self) -> AsyncIterator[str]:
        if self._iterator is None:
            self._iterator = self._run()
        return self._iterator

    async def aclose(self) -> None:
        """Stop streaming and close the upstream response (safe to call twice)."""
        if self._iterator is not None:
            await self._iterator.aclose()  # type: ignore[attr-defined]

    @property
    def finished(self) -> bool:
        return self.reply.finish_reason is not None

    async def _run(self) -> AsyncIterator[str]:
        request, reply = self._request, self.reply
        history = list(request.messages)
        rounds = 0
        while True:
            body = {**request.body(history), "stream": True}
            stream = await call_upstream(self._client.chat.completions.create, body)
            parts: list[str] = []
            calls: dict[int, dict[str, Any]] = {}
            finish: str | None = None
            try:
                async for chunk in _chunks(stream):
                    _usage_of(chunk, reply.usage)
                    for choice in (getattr(chunk, "choices", None) or [])[:1]:
                        delta = getattr(choice, "delta", None)
                        if delta is None:
                            continue
                        if delta.content:
                            parts.append(delta.content)
                            yield delta.content
                        for call in delta.tool_calls or ():
                            _merge_tool_call(calls, call)
                        finish = choice.finish_reason or finish
            finally:
                await stream.close()
            tool_calls = [calls[index] for index in sorted(calls)]
            content = "".join(parts)
            answer = assistant_message(content or None, tool_calls)
            history.append(answer)
            reply.messages.append(answer)
            if not tool_calls:
                reply.content = content
                reply.finish_reason = finish or "stop"
                return
            if rounds >= request.max_rounds:
                raise ToolLoopLimitError(
                    detail=f"still calling tools after {request.max_rounds} rounds"
                )
            rounds += 1
            results = await run_tool_calls(request, tool_calls, reply)
            history.extend(results)
            reply.messages.extend(results)


async def _chunks(stream: Any) -> AsyncIterator[Any]:
    """The stream's chunks, with errors in mid-stream mapped like those of a request."""
    import openai

    try:
        async for chunk in stream:
            yield chunk
    except openai.OpenAIError as exc:
        logger.warning("AI stream failed: %s", exc)
        raise map_upstream_error(exc) from exc
    except ValueError as exc:  # an event whose data is not JSON
        logger.warning("AI stream could not be read: %s", exc)
        raise invalid_response(str(exc)) from exc


def _merge_tool_call(calls: dict[int, dict[str, Any]], delta: Any) -> None:
    """Streamed tool calls come in pieces by index: the id and name once, arguments in parts."""
    entry = calls.setdefault(
        delta.index, {"id": "", "type": "function", "function": {"name": "", "arguments": ""}}
    )
    if delta.id:
        entry["id"] = delta.id
    function = delta.function
    if function is not None:
        if function.name:
            entry["function"]["name"] += function.name
        if function.arguments:
            entry["function"]["arguments"] += function.arguments
