"""MkDocs hooks for the documentation site (listed under ``hooks:`` in mkdocs.yml).

- The CLI reference (``reference/cli.md``) is generated from the ``pyjolt`` command
  tree, and the API reference (``reference/api/``) from the packages' ``__all__``, on
  every build, so neither can drift from the code.
- Markers meant for the examples' tests are taken out of the pages: a ``python fragment``
  info string becomes ``python``, and the hidden ``<!-- example-... -->`` comments (code
  the tests add around the examples) are left out of the HTML. ``tests/docs/`` reads the
  same markers.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

# MkDocs loads this file by path; its helpers live beside it in the docs_build package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docs_build import api_reference

CLI_REFERENCE = "reference/cli.md"
TEST_MARKER = re.compile(r"^(\s*```+\s*\w+)[ \t]+fragment[ \t]*$", re.M)
TEST_COMMENT = re.compile(
    r"^[ \t]*<!-- example-(?:setup|context|unchecked)\b.*?-->[ \t]*\n", re.M | re.S
)


def on_files(files: Files, config: Any) -> Files:
    """Add the generated reference pages to the site."""
    from pyjolt.cli.reference import render_cli_reference

    pages = {CLI_REFERENCE: render_cli_reference()}
    pages["reference/api/index.md"] = api_reference.render_index()
    for package, page, summary in api_reference.PACKAGES:
        pages[f"reference/api/{page}.md"] = api_reference.render_page(package, summary)
    for path, content in pages.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Drop the test markers from code fences' info strings, and the tests' comments."""
    return TEST_COMMENT.sub("", TEST_MARKER.sub(r"\1", markdown))
