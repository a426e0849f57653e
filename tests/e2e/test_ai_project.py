"""A project made with ``pyjolt generate ai``, served by two real server processes.

The model is the scripted OpenAI-protocol server on 127.0.0.1 (every request checked
against the openai package's request types). One conversation goes through both
processes, which share the project's database: a chat that makes the model call the
generated ``@tool`` method, then a reply streamed as Server-Sent Events to a real HTTP
client, then the history read back from the other process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from pyjolt import BaseConfig
from pyjolt.ai.testing import ScriptedModelServer

from .helpers import environment, ok, pyjolt, run, terminate

STARTUP_TIMEOUT = 30.0
CHATS = "/api/v1/chats"


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    url: str
    log: Path


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ai_project")
    ok(pyjolt("new-project", "chatter", "--defaults", cwd=root))
    project = root / "chatter"
    ok(pyjolt("generate", "ai", cwd=project))
    ok(pyjolt("db", "upgrade", cwd=project))
    ok(pyjolt("db", "check", cwd=project))
    ok(run(sys.executable, "-m", "ruff", "check", ".", cwd=project))
    return project


def test_the_generated_tests_pass(project: Path) -> None:
    result = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def server_environment(model: ScriptedModelServer) -> dict[str, str]:
    env = {k: v for k, v in environment().items() if k not in BaseConfig.model_fields}
    env = {k: v for k, v in env.items() if not k.startswith("AI_INTERFACE_")}
    env.update(
        AI_INTERFACE_API_BASE_URL=model.base_url,
        AI_INTERFACE_MODEL="scripted-model",
        AI_INTERFACE_MAX_RETRIES="0",
        PYTHONUNBUFFERED="1",
    )
    env.pop("OPENAI_API_KEY", None)
    return env


def start_worker(project: Path, model: ScriptedModelServer, name: str) -> Worker:
    port = free_port()
    log = project / f"{name}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app:Application", "--factory",
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=project, stdout=output, stderr=subprocess.STDOUT,
            env=server_environment(model),
        )  # fmt: skip
    worker = Worker(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{name} exited before serving:\n{log.read_text()}")
        try:
            httpx.get(f"{worker.url}/health", timeout=1.0)
            return worker
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"{name} did not answer within {STARTUP_TIMEOUT}s:\n{log.read_text()}")


def stop(worker: Worker) -> None:
    terminate(worker.process)


@pytest.fixture
def model() -> Iterator[ScriptedModelServer]:
    with ScriptedModelServer() as server:
        yield server


@pytest.fixture
def workers(project: Path, model: ScriptedModelServer) -> Iterator[tuple[Worker, Worker]]:
    first = start_worker(project, model, "worker-a")
    try:
        second = start_worker(project, model, "worker-b")
        try:
            yield first, second
        finally:
            stop(second)
    finally:
        stop(first)


def read_events(response: httpx.Response) -> Iterator[tuple[str, Any, float]]:
    """``(event, data, seconds since the request)`` of each SSE event, as it arrives."""
    started = time.monotonic()
    event, data = "message", []
    for line in response.iter_lines():
        if line == "":
            if data:
                yield event, json.loads("\n".join(data)), time.monotonic() - started
            event, data = "message", []
        elif line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data.append(line.removeprefix("data: "))


def test_a_conversation_with_a_tool_call_and_a_stream_across_two_workers(
    workers: tuple[Worker, Worker], model: ScriptedModelServer
) -> None:
    a, b = workers
    created = httpx.post(f"{a.url}{CHATS}/", timeout=10)
    assert created.status_code == 201, created.text
    chat = created.json()["id"]

    # Worker A: the model calls the generated @tool, then answers with its result.
    model.call_tool("current_time", {}).reply("Today is the day you asked about.")
    answer = httpx.post(
        f"{a.url}{CHATS}/{chat}/messages", json={"content": "What day is it?"}, timeout=10
    )
    assert answer.status_code == 200, answer.text + a.log.read_text()
    assert answer.json() == {"content": "Today is the day you asked about."}
    tool_result = model.chat_requests()[1]["messages"][-1]
    assert tool_result["role"] == "tool"
    assert set(json.loads(tool_result["content"])) == {"iso", "weekday"}

    # Worker B continues the same conversation, streaming its reply to a real client.
    model.stream(["You ", "asked ", "about ", "the day."], delay=0.3)
    with httpx.stream(
        "POST", f"{b.url}{CHATS}/{chat}/stream", json={"content": "What did I ask?"}, timeout=10
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = list(read_events(response))
    deltas = [(data["text"], at) for event, data, at in events if event == "delta"]
    assert [text for text, _ in deltas] == ["You ", "asked ", "about ", "the day."]
    # Each delta arrived as the model produced it, not all at the end.
    assert deltas[-1][1] - deltas[0][1] > 0.6, deltas
    assert events[-1][:2] == ("done", {"content": "You asked about the day."})
    third = model.chat_requests()[2]["messages"]
    assert [m["role"] for m in third] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "user",
    ]
    assert third[1]["content"] == "What day is it?"

    # Worker A sees what worker B stored.
    history = httpx.get(f"{a.url}{CHATS}/{chat}", timeout=10).json()
    assert [m["content"] for m in history["messages"]] == [
        "What day is it?",
        "Today is the day you asked about.",
        "What did I ask?",
        "You asked about the day.",
    ]


def test_an_unknown_conversation_is_a_404_on_every_worker(
    workers: tuple[Worker, Worker], model: ScriptedModelServer
) -> None:
    for worker in workers:
        response = httpx.post(
            f"{worker.url}{CHATS}/00000000-0000-4000-8000-000000000000/messages",
            json={"content": "hi"},
            timeout=10,
        )
        assert response.status_code == 404
    assert model.chat_requests() == []


def test_a_model_server_failure_is_a_502_for_the_client(
    workers: tuple[Worker, Worker], model: ScriptedModelServer
) -> None:
    a, _ = workers
    chat = httpx.post(f"{a.url}{CHATS}/", timeout=10).json()["id"]
    model.error(503, "overloaded")
    response = httpx.post(f"{a.url}{CHATS}/{chat}/messages", json={"content": "hi"}, timeout=10)
    assert response.status_code == 502
    assert "overloaded" not in response.text
