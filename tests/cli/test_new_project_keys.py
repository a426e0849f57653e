"""A new project's configs.py names MIDDLEWARE and, commented out, the CORS keys."""

import re
from pathlib import Path


def configs(project: Path) -> str:
    return (project / "app/configs.py").read_text()


def test_middleware_starts_as_an_empty_list(template_project: Path) -> None:
    assert "\n    MIDDLEWARE: list[str] = []\n" in configs(template_project)


def test_uncommented_cors_keys_build_an_app_that_answers_preflights(
    template_project: Path, tmp_path: Path
) -> None:
    import shutil
    import subprocess
    import sys

    root = tmp_path / "shop"
    shutil.copytree(template_project, root)
    path = root / "app/configs.py"
    assert "\n    # CORS_ENABLED: bool = True\n" in path.read_text()
    path.write_text(re.sub(r"^    # (CORS_\w+:)", r"    \1", path.read_text(), flags=re.M))
    script = (
        "import asyncio\n"
        "from pyjolt.testing import PyJoltTestClient\n"
        "from app import Application\n"
        "async def main():\n"
        "    async with PyJoltTestClient(Application()) as client:\n"
        "        r = await client.options('/health', headers={'Origin': "
        "'https://app.example.com', 'Access-Control-Request-Method': 'GET'})\n"
        "        print(r.status_code, r.headers.get('access-control-allow-origin'))\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["204", "https://app.example.com"]
