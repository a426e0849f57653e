"""The scripted model server itself: it refuses what the OpenAI API would refuse."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pyjolt.ai.testing import ProtocolError, ScriptedModelServer, tool_call_problems

HEADERS = {"Authorization": "Bearer test"}
USER = {"role": "user", "content": "hi"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"model": "m", "messages": [USER], "temprature": 1}, "temprature"),
        ({"model": "m", "messages": [{"role": "user", "content": "hi", "name": 3}]}, "name"),
        ({"model": "m", "messages": [{"role": "wizard", "content": "hi"}]}, "role"),
        ({"messages": [USER]}, "model"),
        (
            {"model": "m", "messages": [USER], "tools": [{"type": "function", "function": {}}]},
            "function.name",
        ),
        (
            {
                "model": "m",
                "messages": [USER, {"role": "tool", "tool_call_id": "x", "content": ""}],
            },
            "answers unknown tool call 'x'",
        ),
    ],
)
def test_requests_breaking_the_protocol_are_refused_and_recorded(
    body: dict[str, Any], problem: str
) -> None:
    server = ScriptedModelServer().start()
    try:
        server.reply("never sent")
        response = httpx.post(f"{server.base_url}/chat/completions", json=body, headers=HEADERS)
    finally:
        server.stop()
    assert response.status_code == 400
    assert problem in response.json()["error"]["message"]
    assert server.pending == 1
    with pytest.raises(ProtocolError, match=r"does not match|answers unknown"):
        server.check()


def test_a_request_without_a_key_is_refused() -> None:
    with ScriptedModelServer() as server:
        response = httpx.post(
            f"{server.base_url}/chat/completions", json={"model": "m", "messages": [USER]}
        )
        assert response.status_code == 400
        server.protocol_errors.clear()


def test_a_request_with_nothing_scripted_fails_the_test() -> None:
    server = ScriptedModelServer().start()
    try:
        response = httpx.post(
            f"{server.base_url}/chat/completions",
            json={"model": "m", "messages": [USER]},
            headers=HEADERS,
        )
    finally:
        server.stop()
    assert response.status_code == 400
    with pytest.raises(ProtocolError, match="no scripted answer left"):
        server.check()


@pytest.mark.parametrize(
    ("messages", "problems"),
    [
        (
            [
                {"role": "assistant", "tool_calls": [{"id": "a"}, {"id": "b"}]},
                {"role": "tool", "tool_call_id": "a"},
                {"role": "user"},
            ],
            ["messages[2]: tool calls ['b'] got no result"],
        ),
        (
            [{"role": "assistant", "tool_calls": [{"id": "a"}]}],
            ["the last tool calls ['a'] got no result"],
        ),
        (
            [
                {"role": "assistant", "tool_calls": [{"id": "a"}]},
                {"role": "tool", "tool_call_id": "a"},
                {"role": "tool", "tool_call_id": "a"},
            ],
            ["messages[2] answers unknown tool call 'a'"],
        ),
    ],
)
def test_tool_results_must_answer_the_calls_before_them(
    messages: list[dict[str, Any]], problems: list[str]
) -> None:
    assert tool_call_problems(messages) == problems
