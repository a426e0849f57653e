"""What can go wrong talking to a model, as exceptions the default handlers answer.

Upstream failures are HTTP exceptions: the client sees 502 (the model server failed or
answered nonsense) or 504 (it did not answer in time) with a message that names the
problem but not the upstream's own text, which stays in the log.
"""

from __future__ import annotations

from typing import Any

from ..exceptions.http_exceptions import BaseHttpException
from ..media_type import HttpStatus


class AiError(Exception):
    """Base of the AI interface's errors."""


class AiConfigError(AiError, ValueError):
    """An ``AI_INTERFACE_*`` setting is missing or invalid; the message names the key."""


class AiUpstreamError(AiError, BaseHttpException):
    """The model server failed or answered something unusable: 502 to the client."""

    status_code = HttpStatus.BAD_GATEWAY
    default_message = "The AI service failed to answer"

    def __init__(
        self, message: str | None = None, *, detail: str = "", upstream_status: int | None = None
    ) -> None:
        super().__init__(message)
        #: What the upstream said (for the log; not sent to the client).
        self.detail = detail
        #: The upstream's HTTP status, when it answered one.
        self.upstream_status = upstream_status


class AiRateLimitedError(AiUpstreamError):
    """The model server kept answering 429 after the configured retries."""

    default_message = "The AI service is rate limited; try again later"

    def __init__(
        self, message: str | None = None, *, detail: str = "", retry_after: float | None = None
    ) -> None:
        super().__init__(message, detail=detail, upstream_status=429)
        self.retry_after = retry_after
        if retry_after is not None:
            self.headers["Retry-After"] = str(max(int(retry_after + 0.999), 1))


class AiTimeoutError(AiError, BaseHttpException):
    """The model server did not answer within ``AI_INTERFACE_TIMEOUT``: 504 to the client."""

    status_code = HttpStatus.GATEWAY_TIMEOUT
    default_message = "The AI service did not answer in time"


class ToolLoopLimitError(AiUpstreamError):
    """The model still asked for tools after ``AI_INTERFACE_MAX_TOOL_ROUNDS`` rounds."""

    default_message = "The AI model kept calling tools without answering"


class StructuredOutputError(AiUpstreamError):
    """The model's answer did not validate against ``response_model``, even after a repair."""

    default_message = "The AI model did not answer in the requested format"

    def __init__(self, message: str | None = None, *, detail: str = "", output: Any = None):
        super().__init__(message, detail=detail)
        #: The last invalid output, for the log.
        self.output = output


class ToolError(AiError):
    """Raise it in a tool to tell the model what went wrong (its message is sent as is).

    Other exceptions a tool raises reach the model only as their class name, so internal
    details do not leak into a conversation the user reads.
    """


class ToolDefinitionError(AiError, TypeError):
    """A ``@tool`` method cannot be described to a model (bad signature or types)."""
