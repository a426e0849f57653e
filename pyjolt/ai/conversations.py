"""A conversation store in the app's SQL database, so a chat survives requests and workers.

Two models (``pyjolt generate ai`` writes them with their migration): a conversation
row with a random public ``key`` (UUID; never the guessable integer id in URLs), and one
row per message holding the message as JSON. Messages are only ever appended, in one
transaction per exchange, and read back in insertion (id) order, so any number of
worker processes can serve the same conversation without losing a message.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .chat import Message


@dataclass
class ChatContext:
    """A loaded conversation: what ``@with_chat_context`` passes as ``chat_context``."""

    id: int
    key: str
    title: str | None
    messages: list[Message] = field(default_factory=list)


def _parse_key(key: Any) -> uuid.UUID | None:
    if isinstance(key, uuid.UUID):
        return key
    try:
        return uuid.UUID(str(key))
    except ValueError:
        return None


class ConversationStore:
    """Create, load and append to conversations stored by two models of ``database``.

    ``conversation_model`` needs the columns ``id``, ``key`` (UUID, unique), ``title``
    and ``created_at``; ``message_model`` needs ``id``, ``conversation_id``, ``role``,
    ``payload`` (JSON) and ``created_at``.
    """

    def __init__(
        self,
        database: Any,
        conversation_model: type[Any],
        message_model: type[Any],
        max_messages: int = 200,
    ) -> None:
        self.database = database
        self.conversation_model = conversation_model
        self.message_model = message_model
        #: At most this many latest messages are loaded (a long chat stays bounded).
        self.max_messages = max_messages

    async def create(self, title: str | None = None, messages: list[Message] = ()) -> ChatContext:  # type: ignore[assignment]
        """A new conversation, optionally starting with ``messages`` (a system prompt)."""
        now = datetime.now(UTC)
        async with self.database.session() as session:
            conversation = self.conversation_model(key=uuid.uuid4(), title=title, created_at=now)
            session.add(conversation)
            await session.flush()
            for message in messages:
                session.add(self._message_row(conversation.id, message, now))
            await session.commit()
            return ChatContext(conversation.id, str(conversation.key), title, list(messages))

    async def load(self, key: Any) -> ChatContext | None:
        """The conversation with public ``key`` and its latest messages; None if unknown."""
        from sqlalchemy import select

        parsed = _parse_key(key)
        if parsed is None:
            return None
        conversations, messages = self.conversation_model, self.message_model
        async with self.database.session() as session:
            conversation = await session.scalar(
                select(conversations).where(conversations.key == parsed)
            )
            if conversation is None:
                return None
            rows = await session.scalars(
                select(messages)
                .where(messages.conversation_id == conversation.id)
                .order_by(messages.id.desc())
                .limit(self.max_messages)
            )
            payloads = [row.payload for row in reversed(list(rows.all()))]
        return ChatContext(conversation.id, str(conversation.key), conversation.title, payloads)

    async def append(self, context: ChatContext, messages: list[Message]) -> None:
        """Store ``messages`` after the conversation's others, in one transaction."""
        if not messages:
            return
        now = datetime.now(UTC)
        async with self.database.session() as session:
            for message in messages:
                session.add(self._message_row(context.id, message, now))
            await session.commit()
        context.messages.extend(messages)

    def _message_row(self, conversation_id: int, message: Message, now: datetime) -> Any:
        return self.message_model(
            conversation_id=conversation_id,
            role=str(message.get("role", "")),
            payload=dict(message),
            created_at=now,
        )
