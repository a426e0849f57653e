"""A cached response as bytes: a JSON header line (status, headers, media type), then the body."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from ..response import Response

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """Everything needed to replay a response: status, headers, media type and body."""

    status_code: int
    media_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_response(cls, response: Response[Any]) -> CachedResponse:
        return cls(
            status_code=response.status_code,
            media_type=response.media_type,
            body=response.render_body(),
            headers=dict(response.headers),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CachedResponse:
        body = data.get("body", b"")
        return cls(
            status_code=int(data["status_code"]),
            media_type=str(data["media_type"]),
            body=body.encode("utf-8") if isinstance(body, str) else bytes(body),
            headers={str(k).lower(): str(v) for k, v in dict(data.get("headers", {})).items()},
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "status_code": self.status_code,
            "headers": dict(self.headers),
            "media_type": self.media_type,
            "body": self.body,
        }

    def to_bytes(self) -> bytes:
        head = {
            "v": FORMAT_VERSION,
            "status_code": self.status_code,
            "media_type": self.media_type,
            "headers": self.headers,
        }
        return orjson.dumps(head) + b"\n" + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> CachedResponse | None:
        """Decode :meth:`to_bytes` output; None for anything else (foreign or old entries)."""
        head, newline, body = data.partition(b"\n")
        if not newline:
            return None
        try:
            meta = orjson.loads(head)
            if meta.get("v") != FORMAT_VERSION:
                return None
            return cls(
                status_code=int(meta["status_code"]),
                media_type=str(meta["media_type"]),
                body=body,
                headers={str(k): str(v) for k, v in meta["headers"].items()},
            )
        except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
            return None

    def apply_to(self, response: Response[Any]) -> Response[Any]:
        """Fill ``response`` (the request's fresh one) with the cached status, headers, body."""
        response.status_code = self.status_code
        response.media_type = self.media_type
        response.headers.update(self.headers)
        # send_file(bytes) sets the raw body and clears any pending JSON data.
        response.send_file(self.body, media_type=self.media_type)
        return response
