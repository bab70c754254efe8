"""Screenshots of every dashboard page for the README: one 1400x900 PNG per page.

Starts ``streamlit run ui/app.py`` on 127.0.0.1 over the given store (read-only viewer: no analyst is
configured) and drives Debian's Chromium (``/usr/bin/chromium``) with Playwright. The server helper is
shared with the real-browser test: ``tests/ui/streamlit_server.py``.

    .venv/bin/python scripts/screenshots.py --url sqlite:///data/foresight.db --out docs/images
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.ci import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.ui.streamlit_server import (  # noqa: E402  (the repository root must be importable first)
    PAGE_TIMEOUT_MS,
    screenshot_pages,
    serve,
    wait_idle,
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="store URL (default: FORESIGHT_DATABASE_URL or the embedded store)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images", help="folder for the PNGs")
    parser.add_argument("--port", type=int, default=None, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument("--lang", choices=["en", "zh"], default="en", help="dashboard language")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        parser.error(f"Debian's chromium is missing at {CHROMIUM} (bash scripts/ensure-chromium.sh)")
    if args.url:
        url = args.url
    else:
        from foresight.settings import Settings

        url = Settings().resolved_database_url

    from playwright.sync_api import sync_playwright

    with (
        serve(url, port=args.port, env={"FORESIGHT_UI_LANGUAGE": args.lang}) as base,
        sync_playwright() as p,
    ):
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.set_default_timeout(PAGE_TIMEOUT_MS)
            page.goto(base)
            page.get_by_test_id("stSidebarNav").wait_for()
            wait_idle(page)
            saved = screenshot_pages(page, args.out, full_page=False, lang=args.lang)
        finally:
            browser.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
