"""A real HTTP server in a thread and Debian's Chromium through Playwright, for the browser tests."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
AXE = Path(__file__).resolve().parent / "js" / "node_modules" / "axe-core" / "axe.min.js"


def require(condition: bool, reason: str) -> None:
    """CI (REQUIRE_POSTGRES set) must run the browser tests; a developer's machine may skip them."""
    if condition:
        return
    if os.environ.get("REQUIRE_POSTGRES"):
        pytest.fail(reason)
    pytest.skip(reason)


def browser_or_skip():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed (pip install -e '.[test]')")
    require(shutil.which(CHROMIUM) is not None or Path(CHROMIUM).exists(),
            f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    manager = sync_playwright().start()
    browser = manager.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
    return manager, browser


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


def axe_violations(page, serious_only: bool = True) -> list[dict]:
    """Run axe-core (injected through DevTools, so the page's CSP stays strict) for WCAG 2.1 A and AA."""
    require(AXE.exists(), f"axe-core missing at {AXE} (npm install --prefix tests/js)")
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))")
    return [v for v in result if not serious_only or v["impact"] in ("serious", "critical")]
