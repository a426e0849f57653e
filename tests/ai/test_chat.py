"""chat() against a real HTTP model server: tool loop, structured output, streaming, errors.

The server is the scripted OpenAI-protocol server (see conftest): each test scripts the
model's answers; every request the app sends is checked against the openai package's
request types.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from pyjolt import Request, Response
from pyjolt.ai import AiInterface, ServerSentEvent, ToolError, tool
from pyjolt.ai.testing import ScriptedModelServer
from pyjolt.auth import Authentication
from pyjolt.controller import Controller, get, path, post
from pyjolt.testing import PyJoltTestClient

from ..threaded_server import served
from .conftest import AppFactory


class Headers(Authentication):
    """The user is the X-User header; their roles the comma-separated X-Roles header."""

    async def user_loader(self, req: Request) -> dict[str, Any] | None:
        name = req.headers.get("x-user")
        return {"name": name, "roles": req.headers.get("x-roles", "").split(",")} if name else None

    async def role_check(self, user: dict[str, Any], roles: list[Any]) -> bool:
        return any(role in user["roles"] for role in roles)


auth = Headers()


class Calculator(AiInterface):
    """Tools every chat of this extension offers."""

    @tool
    async def add(self, a: int, b: int) -> int:
        """Add two integers.

        Args:
            a: The first.
            b: The second.
        """
        return a + b

    @tool
    def divide(self, a: float, b: float) -> float:
        """Divide a by b."""
        if b == 0:
            raise ToolError("cannot divide by zero")
        return a / b


class Answer(BaseModel):
    city: str
    population: int


class Question(BaseModel):
    text: str


def user_message(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


@path("/chat")
class ChatApi(Controller):
    @post("/")
    async def ask(self, req: Request) -> Response:
        body = await req.json()
        reply = await ai.chat(user_message(body["text"]), req=req)
        return req.response.json(
            {"content": reply.content, "tools": reply.tool_calls, "messages": reply.messages}
        )

    @post("/structured")
    async def structured(self, req: Request) -> Response:
        answer = await ai.chat(user_message("Largest city?"), response_model=Answer)
        return req.response.json(answer.model_dump())

    @get("/stream")
    async def stream(self, req: Request) -> Response:
        stream = ai.chat(user_message("Say hello"), stream=True, req=req)

        async def events() -> AsyncIterator[Any]:
            async for delta in stream:
                yield {"delta": delta}
            yield ServerSentEvent({"content": stream.reply.content}, event="done")

        return req.response.stream(events())

    @post("/admin")
    @auth.login_required
    async def admin(self, req: Request) -> Response:
        reply = await ai.chat(user_message("reset"), tools=[self], req=req)
        return req.response.json({"content": reply.content})

    @tool
    @auth.role_required("admin")
    async def reset_counters(self, req: Request) -> str:
        """Reset every counter (admins only)."""
        return f"reset by {req.user['name']}"


ai = Calculator()


def chat_app(make_ai_app: AppFactory, **settings: Any) -> Any:
    return make_ai_app(ai, ChatApi, extensions=[auth], SECRET_KEY="k" * 40, **settings)


@pytest.fixture
def app(make_ai_app: AppFactory) -> Any:
    return chat_app(make_ai_app)


async def ask(client: PyJoltTestClient, text: str = "2 + 3?") -> httpx.Response:
    return await client.post("/chat/", json={"text": text})


async def test_a_tool_call_runs_and_the_final_answer_comes_back(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.call_tool("add", {"a": 2, "b": 3}).reply("2 + 3 = 5")
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 200, response.text
    assert response.json()["content"] == "2 + 3 = 5"
    assert response.json()["tools"] == ["add"]
    first, second = model_server.chat_requests()
    assert first["model"] == "scripted-model"
    assert [t["function"]["name"] for t in first["tools"]] == ["add", "divide"]
    add_schema = first["tools"][0]["function"]["parameters"]
    assert add_schema["properties"]["a"] == {"type": "integer", "description": "The first."}
    tool_call, result = second["messages"][1:]
    assert tool_call["tool_calls"][0]["function"]["name"] == "add"
    assert result == {
        "role": "tool",
        "tool_call_id": tool_call["tool_calls"][0]["id"],
        "content": "5",
    }


async def test_the_new_messages_are_returned_for_storing(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.call_tool("add", {"a": 1, "b": 1}).reply("2")
    async with PyJoltTestClient(app) as client:
        messages = (await ask(client)).json()["messages"]
    assert [m["role"] for m in messages] == ["assistant", "tool", "assistant"]
    assert messages[-1] == {"role": "assistant", "content": "2"}


async def test_several_tool_calls_in_one_answer_each_get_a_result(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.call_tools([("add", {"a": 1, "b": 2}, None), ("divide", {"a": 9, "b": 3}, None)])
    model_server.reply("3 and 3")
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.json()["tools"] == ["add", "divide"]
    results = [
        m["content"] for m in model_server.chat_requests()[1]["messages"] if m["role"] == "tool"
    ]
    assert results == ["3", "3.0"]


@pytest.mark.parametrize(
    ("name", "arguments", "error"),
    [
        ("divide", {"a": 1, "b": 0}, "cannot divide by zero"),
        ("add", {"a": "two", "b": 3}, "invalid arguments: a: Input should be a valid integer"),
        ("add", "{broken", "arguments are not valid JSON"),
        ("subtract", {"a": 1}, "there is no tool called 'subtract'"),
    ],
)
async def test_a_failing_tool_call_is_reported_to_the_model_not_the_client(
    app: Any, model_server: ScriptedModelServer, name: str, arguments: Any, error: str
) -> None:
    model_server.call_tool(name, arguments).reply("Sorry, that did not work.")
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 200
    assert response.json()["content"] == "Sorry, that did not work."
    result = model_server.chat_requests()[1]["messages"][-1]
    assert result["role"] == "tool"
    assert error in json.loads(result["content"])["error"]


async def test_the_tool_loop_is_bounded(make_ai_app: AppFactory, model_server: Any) -> None:
    app = chat_app(make_ai_app, AI_INTERFACE_MAX_TOOL_ROUNDS=2)
    for _ in range(3):
        model_server.call_tool("add", {"a": 1, "b": 1})
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 502
    assert response.json()["message"] == "The AI model kept calling tools without answering"
    assert len(model_server.chat_requests()) == 3


async def test_structured_output_returns_a_validated_model(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.reply('{"city": "Tokyo", "population": 37400000}')
    async with PyJoltTestClient(app) as client:
        response = await client.post("/chat/structured")
    assert response.json() == {"city": "Tokyo", "population": 37400000}
    response_format = model_server.chat_requests()[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Answer"
    assert response_format["json_schema"]["schema"]["properties"]["population"] == {
        "title": "Population",
        "type": "integer",
    }


async def test_invalid_structured_output_is_repaired_once(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.reply('{"city": "Tokyo", "population": "lots"}')
    model_server.reply('```json\n{"city": "Tokyo", "population": 37400000}\n```')
    async with PyJoltTestClient(app) as client:
        response = await client.post("/chat/structured")
    assert response.json() == {"city": "Tokyo", "population": 37400000}
    repair = model_server.chat_requests()[1]["messages"][-1]
    assert repair["role"] == "user"
    assert "population: Input should be a valid integer" in repair["content"]


async def test_structured_output_invalid_twice_is_a_bad_gateway(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.reply("Tokyo, I think").reply('{"city": "Tokyo"}')
    async with PyJoltTestClient(app) as client:
        response = await client.post("/chat/structured")
    assert response.status_code == 502
    assert response.json()["message"] == "The AI model did not answer in the requested format"


async def test_a_streamed_reply_arrives_as_server_sent_events(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.stream(["Hel", "lo", "!"])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/chat/stream")
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.text == (
        'data: {"delta":"Hel"}\n\ndata: {"delta":"lo"}\n\ndata: {"delta":"!"}\n\n'
        'event: done\ndata: {"content":"Hello!"}\n\n'
    )
    assert model_server.chat_requests()[0]["stream"] is True


async def test_a_streamed_chat_runs_the_tools_the_model_calls(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.stream_tool_call("add", {"a": 20, "b": 22}, pieces=4)
    model_server.stream(["The answer ", "is 42."])
    async with PyJoltTestClient(app) as client:
        response = await client.get("/chat/stream")
    assert response.text.endswith('event: done\ndata: {"content":"The answer is 42."}\n\n')
    second = model_server.chat_requests()[1]["messages"]
    assert second[1]["tool_calls"][0]["function"] == {
        "name": "add",
        "arguments": '{"a": 20, "b": 22}',
    }
    assert second[2]["content"] == "42"


@pytest.mark.parametrize(
    ("script", "detail"),
    [
        (lambda s: s.error(500), "The AI service answered with an error (HTTP 500)"),
        (
            lambda s: s.raw(b"data: {oops\n\n", content_type="text/event-stream"),
            "The AI service sent an invalid response",
        ),
    ],
)
async def test_a_failing_stream_ends_with_an_error_event(
    app: Any, model_server: ScriptedModelServer, script: Any, detail: str
) -> None:
    script(model_server)
    async with PyJoltTestClient(app) as client:
        response = await client.get("/chat/stream")
    assert response.status_code == 200
    assert response.text == f'event: error\ndata: {{"status":502,"detail":"{detail}"}}\n\n'


def test_leaving_a_stream_closes_the_upstream_response(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.stream([f"word{n} " for n in range(50)], delay=0.1)
    with served(app) as url, httpx.stream("GET", f"{url}/chat/stream", timeout=5) as response:
        assert next(response.iter_lines()) == 'data: {"delta":"word0 "}'
    deadline = time.monotonic() + 5
    while model_server.cancelled_streams == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert model_server.cancelled_streams == 1


async def test_a_tool_requiring_a_role_refuses_a_user_without_it(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.call_tool("reset_counters", {}).reply("You may not.")
    async with PyJoltTestClient(app) as client:
        response = await client.post("/chat/admin", headers={"X-User": "eve", "X-Roles": "user"})
    assert response.status_code == 200
    result = json.loads(model_server.chat_requests()[1]["messages"][-1]["content"])
    assert result["error"].startswith("refused (403)")


async def test_a_tool_requiring_a_role_runs_for_a_user_with_it(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.call_tool("reset_counters", {}).reply("Done.")
    async with PyJoltTestClient(app) as client:
        response = await client.post("/chat/admin", headers={"X-User": "ada", "X-Roles": "admin"})
    assert response.json() == {"content": "Done."}
    assert model_server.chat_requests()[1]["messages"][-1]["content"] == "reset by ada"
    assert [t["function"]["name"] for t in model_server.chat_requests()[0]["tools"]] == [
        "reset_counters"
    ]


async def test_a_rate_limit_is_retried_after_the_time_the_server_asks(
    make_ai_app: AppFactory, model_server: ScriptedModelServer
) -> None:
    app = chat_app(make_ai_app, AI_INTERFACE_MAX_RETRIES=1)
    model_server.error(429, headers={"Retry-After": "1"}).reply("Now it works.")
    async with PyJoltTestClient(app) as client:
        started = time.monotonic()
        response = await ask(client)
        elapsed = time.monotonic() - started
    assert response.json()["content"] == "Now it works."
    assert len(model_server.chat_requests()) == 2
    assert 1.0 <= elapsed < 5


async def test_a_server_error_is_retried(
    make_ai_app: AppFactory, model_server: ScriptedModelServer
) -> None:
    app = chat_app(make_ai_app, AI_INTERFACE_MAX_RETRIES=1)
    model_server.error(503, headers={"Retry-After": "0"}).reply("Recovered.")
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.json()["content"] == "Recovered."


async def test_rate_limited_after_the_retries_is_a_bad_gateway_with_retry_after(
    app: Any, model_server: ScriptedModelServer
) -> None:
    model_server.error(429, headers={"Retry-After": "30"})
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 502
    assert response.headers["retry-after"] == "30"
    assert response.json()["message"] == "The AI service is rate limited; try again later"


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (
            lambda s: s.error(500, "internal details"),
            "The AI service answered with an error (HTTP 500)",
        ),
        (lambda s: s.error(401, "bad key"), "The AI service answered with an error (HTTP 401)"),
        (lambda s: s.raw(b"<html>gateway</html>"), "The AI service sent an invalid response"),
        (lambda s: s.raw(b'{"choices": []}'), "The AI service sent an invalid response"),
        (
            lambda s: s.raw(b'{"choices": [{"index": 0}]}'),
            "The AI service sent an invalid response",
        ),
        (lambda s: s.raw(b"[1, 2]"), "The AI service sent an invalid response"),
    ],
)
async def test_upstream_failures_are_a_bad_gateway_without_upstream_text(
    app: Any, model_server: ScriptedModelServer, script: Any, message: str
) -> None:
    script(model_server)
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 502
    assert response.json()["message"] == message
    assert "internal details" not in response.text


async def test_a_slow_model_is_a_gateway_timeout(
    make_ai_app: AppFactory, model_server: ScriptedModelServer
) -> None:
    app = chat_app(make_ai_app, AI_INTERFACE_TIMEOUT=0.3)
    model_server.reply("too late", delay=2)
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 504
    assert response.json()["message"] == "The AI service did not answer in time"


async def test_settings_and_overrides_reach_the_request(
    make_ai_app: AppFactory, model_server: ScriptedModelServer
) -> None:
    app = make_ai_app(ai, AI_INTERFACE_TEMPERATURE=0.2, AI_INTERFACE_TOOL_CHOICE="required")
    model_server.reply("plain").reply("with overrides")
    async with PyJoltTestClient(app):
        await ai.chat(user_message("hi"), tools=[])
        await ai.chat(user_message("hi"), temperature=0, max_completion_tokens=50, seed=7)
    plain, overridden = model_server.chat_requests()
    assert plain["temperature"] == 0.2
    assert "tools" not in plain and "tool_choice" not in plain
    assert overridden["temperature"] == 0
    assert overridden["tool_choice"] == "required"
    assert (overridden["max_completion_tokens"], overridden["seed"]) == (50, 7)


async def test_one_client_lives_from_startup_to_shutdown(app: Any, model_server: Any) -> None:
    model_server.reply("one").reply("two")
    async with PyJoltTestClient(app) as client:
        first = ai.client
        await ask(client)
        await ask(client)
        assert ai.client is first
        assert not first.is_closed()
    assert first.is_closed()
    assert ai._client is None


def test_stream_and_response_model_cannot_be_combined(app: Any) -> None:
    with pytest.raises(TypeError, match="cannot be combined"):
        ai.chat(user_message("x"), stream=True, response_model=Answer)  # type: ignore[call-overload]


async def test_an_unreachable_model_server_is_a_bad_gateway(make_ai_app: AppFactory) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = chat_app(make_ai_app, AI_INTERFACE_API_BASE_URL=f"http://127.0.0.1:{port}/v1")
    async with PyJoltTestClient(app) as client:
        response = await ask(client)
    assert response.status_code == 502
    assert response.json()["message"] == "The AI service could not be reached"
