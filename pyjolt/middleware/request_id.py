"""RequestIdMiddleware: one id per request, in ``req.state``, the response and the logs."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

from .chain import CallNext, Middleware

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..request import Request
    from ..response import Response

#: The id of the request being served (``"-"`` outside one), for log records.
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

#: What an incoming id may look like: short, and nothing a log line or header could abuse.
VALID_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


class RequestIdMiddleware(Middleware):
    """Gives each request an id: the proxy's (``X-Request-ID``) when well-formed, else new.

    Config: ``REQUEST_ID_HEADER`` (``X-Request-ID``), ``REQUEST_ID_TRUST_INCOMING``
    (True). The id is in ``req.state["request_id"]``, the response header and, with
    :class:`RequestIdLogFilter` on a handler, every log record as ``%(request_id)s``.
    """

    def __init__(
        self, app: PyJolt, header: str | None = None, trust_incoming: bool | None = None
    ) -> None:
        super().__init__(app)
        self.header = (header or app.configs.REQUEST_ID_HEADER).lower()
        self.trust_incoming = (
            app.configs.REQUEST_ID_TRUST_INCOMING if trust_incoming is None else trust_incoming
        )

    async def __call__(self, req: Request, call_next: CallNext) -> Response[Any]:
        incoming = req.headers.get(self.header) if self.trust_incoming else None
        request_id = incoming if incoming and VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        req.state["request_id"] = request_id
        token = request_id_var.set(request_id)
        try:
            response = await call_next(req)
        finally:
            request_id_var.reset(token)
        response.headers[self.header] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds ``record.request_id`` so a format can show ``%(request_id)s``."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True
