"""``pyjolt generate websocket NAME``: a chat-room socket controller and its test."""

import asyncio
import sys
from pathlib import Path

from pyjolt.cli.kinds.base import Package
from pyjolt.cli.kinds.websocket import SocketNames

from .conftest import CliRunner, snapshot


def configs(root: Path) -> str:
    return (root / "app/configs.py").read_text()


def test_socket_controller_is_written_and_wired(cli: CliRunner, project: Path) -> None:
    result = cli("generate", "websocket", "support-chat")
    assert result.code == 0, result.err
    source = (project / "app/api/sockets/support_chat.py").read_text()
    assert '@path("/ws/support-chat", tags=["Support chat"])' in source
    assert "class SupportChatSocket(Controller):" in source
    assert '@websocket("/<room>", receives=SupportChatMessageIn, sends=SupportChatMessageOut)' in (
        source
    )
    assert (project / "tests/api/test_support_chat_socket.py").is_file()
    assert '"app.api.sockets.support_chat:SupportChatSocket",\n    ]' in configs(project)


def test_a_name_ending_in_socket_is_not_doubled() -> None:
    names = SocketNames.from_typed("ChatSocket", Package("app"))
    assert (names.class_name, names.message_class) == ("ChatSocket", "ChatMessage")
    assert (names.module, names.route) == ("chat_socket", "/ws/chat-socket")


def test_the_generated_socket_serves_its_room(cli: CliRunner, project: Path) -> None:
    from pyjolt.testing import PyJoltTestClient

    assert cli("generate", "websocket", "chat").code == 0
    sys.path.insert(0, str(project))  # the conftest restores sys.path afterwards
    from app import Application
    from app.configs import Config

    async def chat() -> object:
        async with PyJoltTestClient(Application(Config(DEBUG=True))) as client:
            ada = client.websocket_connect("/ws/chat/lobby")
            bob = client.websocket_connect("/ws/chat/lobby")
            async with ada, bob:
                await ada.send_json({"author": "ada", "text": "hi"})
                return await bob.receive_json()

    assert asyncio.run(chat()) == {"room": "lobby", "author": "ada", "text": "hi"}


def test_destroy_returns_the_project_to_its_earlier_state(cli: CliRunner, project: Path) -> None:
    before = snapshot(project)
    assert cli("generate", "websocket", "chat").code == 0
    result = cli("destroy", "websocket", "chat")
    assert result.code == 0, result.err
    after = snapshot(project)
    assert after.pop(".pyjolt/journal.toml") == before.pop(".pyjolt/journal.toml")
    assert after.pop("app/api/sockets/__init__.py") == b""  # shared: never removed
    assert after == before
