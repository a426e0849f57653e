"""``pyjolt generate ai``: the AI interface, a chat API with streaming, its conversation store.

Template: ``project_templates/ai/`` for the extension (``app/ai.py``), the chat
controller (``app/api/chat.py``, with an example ``@tool``) and its test; the two models
that store conversations and their migrations come from the model kind. A singleton:
no NAME.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..fields import parse_fields
from ..wiring import WiringEdit
from .base import Generation, Kind, Package, Parts, TemplateAnswers, package_of
from .model import MODEL, ModelAnswers, ModelNames

if TYPE_CHECKING:
    from ..project import Project

AI_MODULE = "ai"
CHAT_CONTROLLER = "ChatApi"
CHAT_ROUTE = "/api/v1/chats"
# A public random key per conversation (URLs never show the guessable integer id); one
# row per message, appended only, so any number of workers can serve one conversation.
CONVERSATION_FIELDS = ("key:uuid!", "title:str?", "created_at:datetime")
MESSAGE_FIELDS = ("conversation_id:int", "role:str", "payload:json", "created_at:datetime")


@dataclass(frozen=True)
class AiAnswers(TemplateAnswers):
    """Answers of ``project_templates/ai``: the package and the two conversation models."""

    template: ClassVar[str] = "ai"
    package: Package
    conversation: ModelAnswers
    message: ModelAnswers

    def to_data(self) -> dict[str, Any]:
        return {
            **self.package.to_data(),
            "conversation": self.conversation.to_data(),
            "message": self.message.to_data(),
        }

    @property
    def files(self) -> tuple[str, ...]:
        folder = self.package.folder
        return (f"{folder}/{AI_MODULE}.py", f"{folder}/api/chat.py", "tests/api/test_chat.py")


class AiKind(Kind):
    name = "ai"
    summary = (
        "The AI interface (any OpenAI-compatible server), a chat API with a @tool and SSE "
        "streaming, and conversations stored in the database, with tests."
    )
    examples = ("",)
    runtime = ("ai", "database")
    creates_tables = True

    def build(self, project: Project, name: str | None = None, **_: Any) -> Generation:
        package = package_of(project)
        conversation = ModelAnswers(
            package,
            ModelNames.from_typed("conversation", package),
            tuple(parse_fields(list(CONVERSATION_FIELDS))),
        )
        message = ModelAnswers(
            package,
            ModelNames.from_typed("conversation_message", package),
            tuple(parse_fields(list(MESSAGE_FIELDS))),
        )
        models = MODEL.parts(conversation) + MODEL.parts(message)
        parts = Parts(
            renders=[*models.renders, AiAnswers(package, conversation, message)],
            wiring=[
                WiringEdit("EXTENSIONS", package.entry(AI_MODULE, "ai")),
                *models.wiring,
                WiringEdit("CONTROLLERS", package.entry("api.chat", CHAT_CONTROLLER)),
            ],
            tables=models.tables,
        )
        return Generation(
            kind=self.name,
            key=self.name,
            parts=parts,
            names={
                "module": AI_MODULE,
                "class": CHAT_CONTROLLER,
                "route": CHAT_ROUTE,
                "conversation_model": conversation.names.class_name,
                "message_model": message.names.class_name,
            },
            summary=(
                f"ai: AiInterface, {CHAT_ROUTE} chat endpoints (SSE streaming), conversation "
                "models, tests; needs the ai extra of PyJolt and AI_INTERFACE_API_KEY or "
                "AI_INTERFACE_API_BASE_URL"
            ),
        )


AI = AiKind()
