"""The Swagger UI page, and the copy of Swagger UI that ships inside PyJolt.

``swagger_ui/`` holds the files of npm's ``swagger-ui-dist`` that the page loads (the
bundle, its stylesheet and icons) with their licence texts; ``swagger_ui/VERSION`` names
the release and ``scripts/update_swagger_ui.py`` is how it changes. So the docs page
needs no network. ``OPEN_API_SWAGGER_URL`` points the page at another copy instead
(a CDN, or a folder under STATIC_URL). Nothing here is read until the docs are asked for.
"""

from __future__ import annotations

import functools
import html
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.http import quote_etag

from ..static import StaticFile

SWAGGER_UI_DIR = Path(__file__).parent / "swagger_ui"

#: The shipped files the page may load, with their media types; any other name is a 404.
#: The types are fixed rather than guessed: ``mimetypes`` reads the OS's tables, and a
#: Windows registry that maps ``.js`` to ``text/plain`` would make browsers refuse the
#: script (it is sent with ``X-Content-Type-Options: nosniff``).
SWAGGER_UI_FILES: Mapping[str, str] = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-16x16.png": "image/png",
    "favicon-32x32.png": "image/png",
}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <link rel="icon" type="image/png" href="{icon_32_url}" sizes="32x32">
  <link rel="icon" type="image/png" href="{icon_16_url}" sizes="16x16">
  <link rel="stylesheet" href="{css_url}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{js_url}"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: {spec_url},
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    }});
  </script>
</body>
</html>
"""


def swagger_page(title: str, spec_url: str, assets_url: str) -> str:
    """The HTML page that shows the document at ``spec_url`` with Swagger UI.

    ``assets_url`` is the folder URL holding ``swagger-ui.css``, ``swagger-ui-bundle.js``
    and the favicons. ``validatorUrl: null`` turns off Swagger UI's badge, which would
    otherwise send the document's URL to validator.swagger.io from every visitor.
    """
    base = assets_url.rstrip("/")
    # json.dumps gives a JS string literal; "<" is escaped so "</script>" cannot end it.
    spec_literal = json.dumps(spec_url).replace("<", "\\u003c")
    return PAGE.format(
        title=html.escape(title),
        icon_32_url=html.escape(f"{base}/favicon-32x32.png"),
        icon_16_url=html.escape(f"{base}/favicon-16x16.png"),
        css_url=html.escape(f"{base}/swagger-ui.css"),
        js_url=html.escape(f"{base}/swagger-ui-bundle.js"),
        spec_url=spec_literal,
    )


@functools.cache
def swagger_ui_version() -> str:
    """The release of ``swagger-ui-dist`` shipped with PyJolt, such as ``"5.35.0"``."""
    return (SWAGGER_UI_DIR / "VERSION").read_text(encoding="utf-8").strip()


@functools.cache
def _recorded_hashes() -> dict[str, str]:
    source = json.loads((SWAGGER_UI_DIR / "SOURCE.json").read_text(encoding="utf-8"))
    return {str(name): str(digest) for name, digest in source["files"].items()}


def shipped_swagger_ui_file(filename: str) -> StaticFile | None:
    """One of :data:`SWAGGER_UI_FILES` with its validators, or None for any other name.

    The ETag is the file's SHA-256 recorded when it was fetched, so every process and
    host serving the same release gives the same ETag (an mtime-based one would differ
    between installs). Blocking (stat): the controller runs it in a worker thread.
    """
    media_type = SWAGGER_UI_FILES.get(filename)
    if media_type is None:
        return None
    path = SWAGGER_UI_DIR / filename
    info = os.stat(path)
    return StaticFile(
        path=str(path),
        size=info.st_size,
        media_type=media_type,
        etag=quote_etag(_recorded_hashes()[filename][:32]),
        last_modified=datetime.fromtimestamp(int(info.st_mtime), tz=UTC),
    )
