"""Screenshots of the built documentation site, to look at what readers see.

    make docs && python scripts/screenshots.py --site site --out site-screenshots

Serves the built site on a free loopback port and shoots a few pages (the home page, a
tutorial step, an API reference page, the CLI reference; light and dark) at a desktop
and a mobile width with Debian's chromium through playwright (never `playwright install`:
the system browser is used). Writes one PNG per page and width.
"""

from __future__ import annotations

import argparse
import functools
import shutil
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = {
    "home": "",
    "tutorial-step": "tutorial/04-cache/",
    "api-reference": "reference/api/caching/",
    "cli-reference": "reference/cli/",
}
WIDTHS = {"desktop": (1366, 900), "mobile": (390, 844)}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no chromium found: apt-get install chromium")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("site"), help="the built site")
    parser.add_argument("--out", type=Path, default=Path("site-screenshots"))
    options = parser.parse_args()
    if not (options.site / "index.html").is_file():
        sys.exit(f"{options.site}/index.html is missing: run `make docs` first")
    options.out.mkdir(parents=True, exist_ok=True)

    handler = functools.partial(QuietHandler, directory=str(options.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"

    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path())
            for width_name, (width, height) in WIDTHS.items():
                for scheme in ("light", "dark"):
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        color_scheme=scheme,
                        device_scale_factor=1,
                    )
                    page = context.new_page()
                    for page_name, url in PAGES.items():
                        if scheme == "dark" and page_name != "home":
                            continue
                        page.goto(base + url, wait_until="networkidle")
                        target = options.out / f"{page_name}-{width_name}-{scheme}.png"
                        page.screenshot(path=str(target))
                        print(target)
                    context.close()
            browser.close()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
