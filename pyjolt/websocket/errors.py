"""What an exception in a WebSocket endpoint becomes: a refused handshake or a close code.

The app's exception handlers apply to sockets as they do to requests: before the socket
is accepted their response answers the handshake (401 with its challenge, 403...);
afterwards the response's status picks the close code. Nothing a socket handler raises
reaches the server: unhandled exceptions are logged with their traceback and close the
socket with 1011, which leaves every other connection running.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from ..exceptions.defaults import internal_error_body
from ..media_type import HttpStatus
from .connection import CloseCode, InvalidMessage, close_reason

if TYPE_CHECKING:
    from ..app import PyJolt
    from ..response import Response
    from .connection import WebSocket

logger = logging.getLogger(__name__)


def close_code_for_status(status: int) -> int:
    """The close code that tells a client what an HTTP status would have told it."""
    if status in (HttpStatus.BAD_REQUEST, HttpStatus.UNPROCESSABLE_ENTITY):
        return CloseCode.INVALID_PAYLOAD
    if status == HttpStatus.REQUEST_ENTITY_TOO_LARGE:
        return CloseCode.MESSAGE_TOO_BIG
    if 400 <= status < 500:
        return CloseCode.POLICY_VIOLATION
    return CloseCode.INTERNAL_ERROR


def _internal_error(ws: WebSocket) -> Response[Any]:
    ws.reset_response()
    return ws.response.json(internal_error_body()).status(HttpStatus.INTERNAL_SERVER_ERROR)


async def refusal_response(app: PyJolt, ws: WebSocket, exc: Exception) -> Response[Any]:
    """The HTTP response refusing a handshake because of ``exc`` (never raises)."""
    if app.exception_registry.find(type(exc)) is None:
        logger.error("Unhandled exception in the handshake of WebSocket %s", ws.path, exc_info=exc)
        return _internal_error(ws)
    try:
        return await app.response_for_exception(ws, exc)
    except Exception as failure:  # DEBUG re-raises what its handler declined
        logger.error(
            "Unhandled exception in the handshake of WebSocket %s", ws.path, exc_info=failure
        )
        return _internal_error(ws)


async def close_for_exception(
    app: PyJolt, ws: WebSocket, exc: Exception, endpoint_name: str
) -> tuple[int, str]:
    """The close code and reason for ``exc`` raised after the socket was accepted.

    A message the handler could not use is the client's fault: a quiet log, 1007/1003.
    An exception with a handler closes with the code of the handler's status (the
    handler still runs, so its logging or reporting happens). Anything else is a bug:
    logged with its traceback, closed with 1011.
    """
    if isinstance(exc, InvalidMessage):
        logger.info("%s: %s; closing with %d", endpoint_name, exc.message, exc.close_code)
        return exc.close_code, close_reason(exc.message)
    if app.exception_registry.find(type(exc)) is not None:
        try:
            response = await app.response_for_exception(ws, exc)
        except Exception as failure:
            logger.error("Unhandled exception in WebSocket %s", endpoint_name, exc_info=failure)
            return CloseCode.INTERNAL_ERROR, "Internal error"
        status = response.status_code
        code = close_code_for_status(status)
        if code == CloseCode.INTERNAL_ERROR:
            return code, "Internal error"
        return code, close_reason(_phrase(status))
    logger.error("Unhandled exception in WebSocket %s", endpoint_name, exc_info=exc)
    return CloseCode.INTERNAL_ERROR, "Internal error"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"
