"""WebSocket endpoints on controllers: ``@websocket(url)`` and the ``WebSocket`` object."""

from .connection import CloseCode, InvalidMessage, WebSocket, WebSocketDisconnect
from .decorators import SocketOptions, socket, websocket
from .endpoint import OriginRefused, SocketEndpoint

__all__ = [
    "CloseCode",
    "InvalidMessage",
    "OriginRefused",
    "SocketEndpoint",
    "SocketOptions",
    "WebSocket",
    "WebSocketDisconnect",
    "socket",
    "websocket",
]
