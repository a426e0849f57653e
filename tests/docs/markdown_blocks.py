"""Code blocks of the user docs (docs/**/*.md and README.md), as the tests read them.

How a ```` ```python ```` block is tested depends on how it is written:

- a block whose first line is a comment naming a Python file (``# app/configs.py``) is a
  **file**: it is written at that path in the page's temporary project, and imported at
  the end of the page (after every file of the page is written), so it must import and
  run;
- any other ```` ```python ```` block is **run**, in order, in one namespace per page
  (so a block may use what an earlier block of the same page defined), in the page's
  project folder, with top-level ``await`` allowed;
- a block whose info string says ```` ```python fragment ```` is a **fragment** (a
  method without its class, a line of a config class): it is compiled, its import
  statements are run, and it is type-checked in its context (see below), so a renamed
  name, a wrong argument or a missing attribute fails. The site shows it as plain
  ```` ```python ```` (docs_build/hooks.py drops the marker).

Some fragments need context the page does not show (the imports of a class the page shows
in part, a config class). An HTML comment ``<!-- example-setup ... -->`` holds that code:
it runs where it stands, like a run block, and ``<!-- example-setup app/models.py ... -->``
is a hidden file block. Browsers do not show comments, so readers see the page as
written.

Fragments are type-checked in context: tests/docs/test_fragment_types.py makes a module
of each (its context, then the fragment) and runs mypy once over all of them. A hidden
comment gives a fragment what it leaves out:

- ``<!-- example-context ... -->`` holds code (imports, a class, stand-ins for the
  reader's own functions) for the **next fragment** of the page; a line ``<fragment>``
  in it is where the fragment goes, indented as that line is (without one, the fragment
  goes after the context); in a list item, indent the comment as the fence is;
- ``<!-- example-context page ... -->`` is the same for **every later fragment** of the
  page; a fragment's own context then goes where the page context puts its fragment
  (contexts nest), and a later page context replaces the earlier one;
- a fragment placed in a class or function keeps its ``import`` statements at the top of
  the module; one with top-level ``await`` that lands outside any function is checked
  as the body of an ``async def``;
- a fragment's import from the reader's own package (``from app.models import Note``) is
  left out when its contexts define every name it imports: those definitions stand in
  for the module the page does not show. Other imports from ``app`` are not resolved,
  and what they bring is unchecked (``Any``);
- ``<!-- example-unchecked: why -->`` before a fragment skips its type check
  (it is still compiled), for code that cannot be checked here, such as a client package
  generated from the reader's API; keep these few.

mypy's errors name the page and line of the fragment (or of the context).

Shell blocks (```` ```bash ````) are read for their ``pyjolt`` command lines, which must
parse against the real command tree. They are also run for real: the tutorial's by
tests/e2e/test_tutorial_*.py, the other pages' by tests/e2e/test_docs_commands.py, in one
new project per page. A ```` ```bash fragment ```` block (alternatives that cannot all run
in one folder, a server on another host, docker) is parsed only.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
DOCS = REPOSITORY / "docs"
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+)(?P<info>[^`\n]*)$")
FILE_COMMENT = re.compile(r"^# (?P<path>[\w./-]+\.py)\s*$")
SETUP = re.compile(r"^<!-- example-setup(?:[ \t]+(?P<path>[\w./-]+\.py))?[ \t]*$")
CONTEXT = re.compile(r"^(?P<indent>[ \t]*)<!-- example-context(?:[ \t]+(?P<scope>page))?[ \t]*$")
UNCHECKED = re.compile(r"^[ \t]*<!-- example-unchecked:[ \t]*(?P<reason>\S.*?)[ \t]*-->[ \t]*$")
PLACEHOLDER = "<fragment>"
SHELLS = {"bash", "sh", "shell", "console"}


@dataclass(frozen=True)
class CodeBlock:
    """One fenced block: where it is, its language, its marker and its code."""

    source: Path
    line: int  # of the opening fence, 1-based
    language: str
    marker: str  # "", "fragment", "setup", "context", "context page" or "unchecked"
    code: str

    @property
    def where(self) -> str:
        return f"{self.source.relative_to(REPOSITORY)}:{self.line}"

    @property
    def file_path(self) -> str | None:
        """The project file a file block stands for (its first-line comment)."""
        first = self.code.split("\n", 1)[0]
        match = FILE_COMMENT.match(first)
        return match["path"] if match else None

    @property
    def kind(self) -> str:
        """``file``, ``run``, ``fragment``, ``setup``, ``setup-file``, ``context`` or
        ``unchecked`` (see the module docstring)."""
        if self.marker in ("fragment", "unchecked"):
            return self.marker
        if self.marker.startswith("context"):
            return "context"
        if self.marker == "setup":
            return "setup-file" if self.file_path else "setup"
        return "file" if self.file_path else "run"


def documentation_files() -> list[Path]:
    """Every Markdown page of the site, and the README."""
    return [*sorted(DOCS.rglob("*.md")), REPOSITORY / "README.md"]


def code_blocks(source: Path) -> list[CodeBlock]:
    """The fenced code blocks of one Markdown file, in order."""
    blocks: list[CodeBlock] = []
    lines = source.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        unchecked = UNCHECKED.match(lines[index])
        if unchecked:
            blocks.append(CodeBlock(source, index + 1, "python", "unchecked", unchecked["reason"]))
            index += 1
            continue
        context = CONTEXT.match(lines[index])
        if context:
            start = index + 1
            body = _comment_body(lines, index + 1)
            indent = context["indent"]
            body = [line[len(indent) :] if line.startswith(indent) else line for line in body]
            marker = "context page" if context["scope"] else "context"
            blocks.append(CodeBlock(source, start, "python", marker, "\n".join(body) + "\n"))
            index += len(body) + 2
            continue
        setup = SETUP.match(lines[index])
        if setup:
            start = index + 1
            body = [f"# {setup['path']}"] if setup["path"] else []
            index += 1
            while index < len(lines) and lines[index].strip() != "-->":
                body.append(lines[index])
                index += 1
            blocks.append(CodeBlock(source, start, "python", "setup", "\n".join(body) + "\n"))
            index += 1
            continue
        opening = FENCE.match(lines[index])
        if not opening or not opening["info"].strip():
            index += 1
            continue
        words = opening["info"].split()
        language, marker = words[0], " ".join(words[1:])
        indent, fence = opening["indent"], opening["fence"]
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != fence:
            line = lines[index]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            index += 1
        start = index - len(body)  # the opening fence's 1-based line number
        blocks.append(CodeBlock(source, start, language, marker, "\n".join(body) + "\n"))
        index += 1
    return blocks


def _comment_body(lines: list[str], index: int) -> list[str]:
    """The lines of a hidden comment from ``index`` up to its closing ``-->`` line."""
    body: list[str] = []
    while index < len(lines) and lines[index].strip() != "-->":
        body.append(lines[index])
        index += 1
    return body


def python_blocks(source: Path) -> list[CodeBlock]:
    """The Python blocks the examples' runner executes (not the fragments' contexts)."""
    return [
        block
        for block in code_blocks(source)
        if block.language == "python" and block.kind not in ("context", "unchecked")
    ]


def shell_commands(block: CodeBlock) -> list[str]:
    """The command lines of a shell block: continuations joined, comments and prompts off."""
    commands: list[str] = []
    pending = ""
    for raw in block.code.split("\n"):
        line = raw.rstrip()
        if line.startswith("$ "):
            line = line[2:]
        if pending:
            line = pending + " " + line.strip()
            pending = ""
        if line.endswith("\\"):
            pending = line[:-1].rstrip()
            continue
        if line.strip() and not line.lstrip().startswith("#"):
            commands.append(line.strip())
    return commands


def pyjolt_invocations(command_line: str) -> list[list[str]]:
    """The arguments of every ``pyjolt`` call in a shell line (``a && pyjolt b | jq``)."""
    lexer = shlex.shlex(command_line, posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    invocations: list[list[str]] = []
    words: list[str] = []
    for token in [*lexer, ";"]:
        if token and set(token) <= set(";&|"):
            if words and words[0] == "pyjolt":
                invocations.append(words[1:])
            words = []
        else:
            words.append(token)
    return invocations
