"""What the browser tests share: `serve`'s app under uvicorn on a loopback port
(`serve_on_loopback`), Debian's chromium driven by playwright (the module-scoped `browser`
fixture; never a downloaded build), one page per test that fails on any console error or
failed request (`Visit`, the `visit` fixture) and the screenshots folder (`shots`).

A test module imports the fixtures it uses (`browser`, `shots`, `visit`) and defines its own
`base_url` fixture, usually `with serve_on_loopback(url) as base: yield base`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from etf_assets.serve.app import create_app, read_only_engine

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / ".test-output" / "screenshots"

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)")


@contextmanager
def serve_on_loopback(engine_url: str) -> Iterator[str]:
    """`serve`'s app over `engine_url` (read-only; no API keys, so loopback only) under
    uvicorn on a free loopback port; yields the base URL and stops the server after."""
    engine = read_only_engine(engine_url)
    app = create_app(engine, api_keys=frozenset(), rate_per_minute=1_000_000)
    # Binding the socket here (port 0) gives the port before uvicorn starts: no race for it.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
        engine.dispose()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    print(f"\nexplorer screenshots: {SCREENSHOTS}")
    return SCREENSHOTS


class Visit:
    """One page in a fresh browser context, failing on any console error, uncaught
    exception, failed request or HTTP error status of the page or its resources."""

    def __init__(self, browser, base_url: str):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.base_url, self.problems = base_url, []
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(
            f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(
            f"request failed: {r.url}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"HTTP {r.status}: {r.url}"))

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.status == 200, path
        return self.page

    def finish(self, shots: Path, name: str) -> Path:
        target = shots / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=True)
        self.context.close()
        assert not self.problems, self.problems
        return target


@pytest.fixture
def visit(browser, base_url):
    """A `Visit` of the requesting module's `base_url` fixture."""
    return Visit(browser, base_url)


def cell_values(page, selector: str) -> list[str]:
    """The exact warehouse values a table's cells carry (data-value)."""
    return page.eval_on_selector_all(f"{selector} td[data-value]",
                                     "cells => cells.map(c => c.dataset.value)")
