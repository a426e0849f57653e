"""HTTP media types and status codes used across the public API."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from http import HTTPStatus

#: The standard library's status enum under the name the SPEC uses.
HttpStatus = HTTPStatus


class MediaType(StrEnum):
    """Media types accepted by ``@consumes`` and ``@produces``."""

    APPLICATION_X_WWW_FORM_URLENCODED = "application/x-www-form-urlencoded"
    MULTIPART_FORM_DATA = "multipart/form-data"
    APPLICATION_JSON = "application/json"
    APPLICATION_PROBLEM_JSON = "application/problem+json"
    APPLICATION_XML = "application/xml"
    TEXT_XML = "text/xml"
    TEXT_PLAIN = "text/plain"
    TEXT_HTML = "text/html"
    APPLICATION_OCTET_STREAM = "application/octet-stream"
    IMAGE_PNG = "image/png"
    IMAGE_JPEG = "image/jpeg"
    IMAGE_GIF = "image/gif"
    APPLICATION_PDF = "application/pdf"
    APPLICATION_X_NDJSON = "application/x-ndjson"
    TEXT_EVENT_STREAM = "text/event-stream"
    APPLICATION_CSV = "application/csv"
    TEXT_CSV = "text/csv"
    APPLICATION_YAML = "application/yaml"
    TEXT_YAML = "text/yaml"
    APPLICATION_GRAPHQL = "application/graphql"
    NO_CONTENT = "empty"


TEXT_MEDIA_PREFIXES = ("text/",)


def content_type_header(media_type: str) -> str:
    """Return the Content-Type value for a media type, adding a UTF-8 charset to text."""
    if media_type.startswith(TEXT_MEDIA_PREFIXES) and "charset" not in media_type:
        return f"{media_type}; charset=utf-8"
    return media_type


@lru_cache(maxsize=256)
def encoded_content_type(media_type: str) -> bytes:
    """The Content-Type header value as bytes, computed once per media type."""
    return content_type_header(media_type).encode("latin-1")
