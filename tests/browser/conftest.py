"""Browser tests: the app served on a loopback port, driven by Playwright with the system Chromium.

The server is the real application in a child process (tests/browser/serve.py, werkzeug's
`make_server`), on a fresh SQLite file seeded by `flask seed-demo`. It always uses SQLite, also
when TEST_DATABASE_URL
points the rest of the suite at PostgreSQL: the browser journeys exercise pages and scripts, the
database behaviour is covered by the other tests on both databases. These tests never skip: a
missing Chromium or a missing `npm ci` is a failure with a message saying what to install.

Every page opened through the `open_page` factory is watched: a server error (5xx), an
uncaught script error or a Content-Security-Policy violation fails the test at teardown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from inspect_app import create_app
from inspect_app.auth.demo import DEMO_PASSWORD
from tests.browser.serve import browser_config

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# Screenshots for a human look, taken only when BROWSER_SHOTS names a folder (about 0.3 s
# each: CI doesn't look at them).
SHOTS = os.environ.get("BROWSER_SHOTS")


@dataclass
class LiveServer:
    url: str
    app: Flask  # the same configuration and database, for checking rows from the tests


@pytest.fixture(scope="session")
def seeded_demo(tmp_path_factory) -> Path:
    """A folder with the demo seeded once (`flask seed-demo`: database and uploads), copied
    for each test file's server."""
    folder = tmp_path_factory.mktemp("browser-seed")
    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.serve", str(folder), "--seed-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, seeded_demo) -> LiveServer:
    """The app on 127.0.0.1:<free port> in a child process (`.url`), its SQLite database a
    copy of the demo as seeded; `.app` reads the same database from the tests. One per test
    file: each file's journeys start from the demo as seeded, whatever the other files did."""
    folder = tmp_path_factory.mktemp("browser")
    shutil.copytree(seeded_demo, folder, dirs_exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.browser.serve", str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=open(folder / "server.log", "w"),  # noqa: SIM115 - lives as long as the server
        text=True,
    )
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), (folder / "server.log").read_text()[-3000:]
        yield LiveServer(f"http://127.0.0.1:{port}", create_app(browser_config(folder)))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Browser:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def signed_in_state(browser, live_server, tmp_path_factory):
    """Storage state (cookies) of a signed-in demo user, one sign-in per user per server."""
    states: dict[str, Path] = {}
    folder = tmp_path_factory.mktemp("states")

    def _state(username: str) -> Path:
        if username not in states:
            context = browser.new_context(base_url=live_server.url)
            page = context.new_page()
            sign_in(page, username)
            path = folder / f"{username}.json"
            context.storage_state(path=str(path))
            context.close()
            states[username] = path
        return states[username]

    return _state


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the home page."""
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form[action='/login'] button")
    page.wait_for_url(lambda url: "/login" not in url)


class Watch:
    """What went wrong while the test's pages were open."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def attach(self, page: Page) -> None:
        page.on(
            "response",
            lambda r: r.status >= 500 and self.problems.append(f"{r.status} {r.url}"),
        )
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and "Content Security Policy" in m.text
                and self.problems.append(f"CSP: {m.text}")
            ),
        )


def _new_page(browser, live_server, signed_in_state, user, viewport, options) -> Page:
    """A page in a context of its own, signed in as `user` when given."""
    if user:
        options["storage_state"] = str(signed_in_state(user))
    options.setdefault("timezone_id", "Asia/Ho_Chi_Minh")  # the province's phones
    context = browser.new_context(
        base_url=live_server.url, viewport=viewport, locale="vi-VN", **options
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture()
def open_page(browser, live_server, signed_in_state):
    """open_page(user=None, viewport=DESKTOP, **context_options) -> a new page in its own
    context (signed in as `user` when given); checked for errors at teardown."""
    contexts: list[BrowserContext] = []
    watch = Watch()

    def _open(user: str | None = None, viewport=DESKTOP, **options) -> Page:
        page = _new_page(browser, live_server, signed_in_state, user, viewport, options)
        contexts.append(page.context)
        watch.attach(page)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not watch.problems, watch.problems


@pytest.fixture(scope="module")
def _kept_pages(live_server):
    """The pages `visit` keeps for a test file, one per user and browser options."""
    pages: dict[tuple, Page] = {}
    watch = Watch()
    yield pages, watch
    for page in pages.values():
        page.context.close()


@pytest.fixture()
def visit(_kept_pages, browser, live_server, signed_in_state):
    """visit(user, path, viewport=DESKTOP, **context_options) -> (page, response): `path`
    opened in the page this test file keeps for that user and those options (a new context
    and page per visit cost a quarter of a second each: these tests only read). Watched as
    `open_page` is: a server error, script error or CSP violation during the test fails it."""
    pages, watch = _kept_pages
    watch.problems.clear()

    def _visit(user: str | None, path: str, viewport=DESKTOP, **options):
        key = (user, tuple(viewport.items()), tuple(sorted(options.items())))
        if key not in pages:
            pages[key] = _new_page(browser, live_server, signed_in_state, user, viewport, options)
            watch.attach(pages[key])
        page = pages[key]
        return page, page.goto(path)

    yield _visit
    assert not watch.problems, watch.problems


WIDE_ELEMENTS = """vw => {
  const wide = el => el.getBoundingClientRect().right > vw + 1 || (el.scrollWidth > el.clientWidth + 1
    && getComputedStyle(el).overflowX === 'visible' && el.clientWidth > 0);
  return Array.from(document.querySelectorAll('body *'))
    .filter(el => wide(el) && !Array.from(el.children).some(wide))
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/ +/).join('.') : '')
      + ' ' + el.scrollWidth + 'px: ' + (el.textContent || '').trim().slice(0, 60));
}"""


# An element whose own text wraps onto several lines while the element is narrower than about
# eight characters: "Than h tra", "23/Q Đ-TTr" in a 45 px column. Reported as tag, width, text.
SQUEEZED = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *, header *')) {
    const own = Array.from(el.childNodes).filter(n => n.nodeType === 3 && n.textContent.trim());
    if (!own.length) continue;
    const text = own.map(n => n.textContent.trim()).join(' ');
    if (text.length < 9) continue;  // a short word in a narrow cell is fine
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || !el.getClientRects().length) continue;
    const folded = el.closest('details');  // a closed menu's links are laid out, not shown
    if (folded && !folded.open && !el.closest('summary')) continue;
    const size = parseFloat(style.fontSize);
    const width = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (!(width > 0) || width >= size * 0.55 * 8) continue;
    const tops = new Set();  // the lines the element's own text takes
    for (const node of own) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) { if (r.width > 0) tops.add(Math.round(r.top)); }
    }
    if (tops.size >= 3) {
      out.push(el.tagName.toLowerCase() + ' ' + Math.round(width) + 'px x' + tops.size + ': ' + text.slice(0, 40));
    }
  }
  return out.slice(0, 5);
}"""


def no_horizontal_scroll(page: Page) -> None:
    """The page fits its viewport: `document.documentElement.scrollWidth` is not wider."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    culprits = page.evaluate(WIDE_ELEMENTS, viewport) if width > viewport else []
    assert width <= viewport, f"{page.url}: {width}px wide in {viewport}px: {culprits}"


def axe_violations(page: Page) -> list[dict]:
    """Serious and critical axe-core violations of the page (the context must bypass CSP)."""
    assert AXE_JS.exists(), f"{AXE_JS} missing: run `npm ci` in {ROOT}"
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
