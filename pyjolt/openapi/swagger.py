"""The Swagger UI page, and Swagger UI's files from the optional ``swagger-ui-bundle``.

Without that package the page loads Swagger UI from ``OPEN_API_SWAGGER_URL`` (a CDN
by default, or any URL that serves the ``swagger-ui-dist`` files, such as a folder
under STATIC_URL).
"""

from __future__ import annotations

import html
import json
import logging
import re
from pathlib import Path

logger = logging.getLogger(__name__)

#: Swagger UI renders OpenAPI 3.1 documents from version 5 on; 4.x refuses them.
MIN_SWAGGER_UI_MAJOR = 5

_VERSION_IN_FOLDER = re.compile(r"(\d+)\.(\d+)\.(\d+)$")

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
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
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
      layout: "BaseLayout"
    }});
  </script>
</body>
</html>
"""


def swagger_page(title: str, spec_url: str, assets_url: str) -> str:
    """The HTML page that shows the document at ``spec_url`` with Swagger UI.

    ``assets_url`` is the folder URL holding ``swagger-ui.css`` and
    ``swagger-ui-bundle.js``.
    """
    base = assets_url.rstrip("/")
    # json.dumps gives a JS string literal; "<" is escaped so "</script>" cannot end it.
    spec_literal = json.dumps(spec_url).replace("<", "\\u003c")
    return PAGE.format(
        title=html.escape(title),
        css_url=html.escape(f"{base}/swagger-ui.css"),
        js_url=html.escape(f"{base}/swagger-ui-bundle.js"),
        spec_url=spec_literal,
    )


def bundled_swagger_ui() -> Path | None:
    """The folder of Swagger UI files shipped by ``swagger-ui-bundle``, if usable.

    None when the package is not installed, or when the Swagger UI it ships is too old
    to render OpenAPI 3.1 (swagger-ui-bundle 1.1.0 ships 4.15.5): a page that says
    "unable to render this definition" helps nobody, the CDN copy does.
    """
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    folder = Path(str(swagger_ui_path))
    if not folder.is_dir():
        logger.warning("swagger-ui-bundle's folder %s is missing; using the CDN", folder)
        return None
    version = _VERSION_IN_FOLDER.search(folder.name)
    if version is not None and int(version.group(1)) < MIN_SWAGGER_UI_MAJOR:
        logger.warning(
            "swagger-ui-bundle ships Swagger UI %s, which cannot render OpenAPI 3.1; "
            "loading Swagger UI from OPEN_API_SWAGGER_URL instead "
            "(upgrade swagger-ui-bundle, or serve swagger-ui-dist 5 yourself)",
            version.group(0),
        )
        return None
    return folder


def asset_names(folder: Path) -> frozenset[str]:
    """The file names that may be served from ``folder`` (no sub-folders, no ``..``)."""
    return frozenset(entry.name for entry in folder.iterdir() if entry.is_file())
