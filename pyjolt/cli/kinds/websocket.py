"""``pyjolt generate websocket NAME``: a WebSocket controller (chat rooms) and its test.

Template: ``project_templates/websocket/``. Name rules: ``chat`` gives module ``chat`` in
``app/api/sockets/``, class ``ChatSocket``, rooms at ``/ws/chat/<room>`` (each room the
Channels group ``chat:<room>``) and messages ``ChatMessageIn`` / ``ChatMessageOut``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of, typed_name

if TYPE_CHECKING:
    from ..project import Project


@dataclass(frozen=True)
class SocketNames:
    """``chat-rooms`` -> ``chat_rooms``, ``ChatRoomsSocket``, ``/ws/chat-rooms``."""

    module: str
    class_name: str
    message_class: str
    route: str
    group: str
    title: str

    @classmethod
    def from_typed(cls, raw: str, package: Package) -> SocketNames:
        name = typed_name(raw, package, "websocket name")
        base = name.pascal.removesuffix("Socket") or name.pascal
        return cls(
            module=name.snake,
            class_name=f"{base}Socket",
            message_class=f"{base}Message",
            route=f"/ws/{name.kebab}",
            group=name.kebab,
            title=name.title,
        )

    def journal(self) -> dict[str, str]:
        return {"module": self.module, "class": self.class_name, "route": self.route}


@dataclass(frozen=True)
class SocketAnswers(TemplateAnswers):
    template: ClassVar[str] = "websocket"
    package: Package
    names: SocketNames

    @property
    def entry(self) -> str:
        return self.package.entry(f"api.sockets.{self.names.module}", self.names.class_name)

    @property
    def files(self) -> tuple[str, ...]:
        module = self.names.module
        return (
            f"{self.package.folder}/api/sockets/{module}.py",
            f"tests/api/test_{module}_socket.py",
        )

    def to_data(self) -> dict[str, Any]:
        return {
            **self.package.to_data(),
            "module_name": self.names.module,
            "class_name": self.names.class_name,
            "message_class": self.names.message_class,
            "url_path": self.names.route,
            "group": self.names.group,
            "title": self.names.title,
        }


class WebSocketKind(Kind):
    name = "websocket"
    summary = "A WebSocket controller with chat rooms on app.channels, and its test."
    examples = ("chat", "support-chat --dry-run")
    name_help = "Socket name, e.g. 'chat' (rooms at /ws/chat/<room>)."

    def build(self, project: Project, name: str | None, **_: Any) -> Generation:
        assert name is not None
        package = package_of(project)
        names = SocketNames.from_typed(name, package)
        answers = SocketAnswers(package, names)
        parts = Parts(renders=[answers], wiring=[WiringEdit("CONTROLLERS", answers.entry)])
        return Generation(
            kind=self.name,
            key=names.module,
            parts=parts,
            names=names.journal(),
            summary=f"websocket {names.class_name} with rooms at {names.route}/<room>",
        )


WEBSOCKET = WebSocketKind()
