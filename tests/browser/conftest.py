"""Browser fixtures: the test's app served over real HTTP, driven by Debian's Chromium through Playwright.

- `live_server`: the test's `app` (fresh database, see tests/conftest.py) served by werkzeug on 127.0.0.1 in a
  daemon thread; yields the base URL. Every request in the server thread pushes its own app context and gets its
  own database session, as in production. The test thread keeps the app context that the `app` fixture pushed:
  commit what the browser must see (`make_user` commits), and `db.session.expire_all()` before reading what the
  browser wrote.
- `browser` (session), `page` (1280x800) and `phone_page` (390x844, touch): a new context per test, with the live
  server as `base_url`, so `page.goto("/login")` works. Playwright never downloads a browser here: it launches
  /usr/bin/chromium (or `chromium` on PATH). No Chromium or no Playwright: `missing_service` (skip locally, fail
  with JANGKAU_REQUIRE_SERVICES=1).
- Helpers (tests/browser/helpers.py, re-exported here): `login(page, base_url, username, password=...)`,
  `screenshot(page, label)`, `has_no_horizontal_scroll(page)`.
- Every page a test loads is saved as a full-page PNG under $JANGKAU_SCREENSHOTS (default: a pytest tmp dir),
  <test>/<desktop|phone>/NN-<path>.png in visit order, as the page looked at the test's first action on it
  (Page/Locator actions; `page.keyboard`/`page.mouse` are not watched); `screenshot(page, "label")` adds one on
  demand (e.g. with a menu open).
- A response with status >= 500 fails the test that caused it, and so does a page that does not read in Bahasa
  Indonesia (English words, raw values, machine times: tests/reading.py), read as each screenshot is taken.
- Browser journeys run on SQLite only (`database_url` is narrowed below); the test-client suites cover both
  databases.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import TEST_PASSWORD, has_no_horizontal_scroll, login, screenshot  # noqa: F401 - re-exported
from tests.conftest import missing_service
from tests.reading import problems_in, visible_text

SCREENSHOTS_KEY = pytest.StashKey[Path]()

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TIMEOUT_MS = 10_000
SCREENSHOT_TIMEOUT_MS = 5_000


# --- database: SQLite only ----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite"])
def database_url(request, database_url):
    """The parent fixture's fresh database, but only its SQLite variant (one backend is enough in a browser)."""
    return database_url


# --- browser ------------------------------------------------------------------------------------------------


def _chromium_path() -> str | None:
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing_service(f"the Playwright Python package is not installed: {exc}")
    executable = _chromium_path()
    if executable is None:
        missing_service("Chromium not found (/usr/bin/chromium or `chromium` on PATH)")
    try:
        playwright = sync_playwright().start()
    except Exception as exc:  # noqa: BLE001 - a missing or broken Playwright driver
        missing_service(f"the Playwright driver does not start: {exc}")
    try:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    except PlaywrightError as exc:  # e.g. a Chromium too old or too new for this driver
        playwright.stop()
        missing_service(f"Chromium at {executable} does not start under Playwright: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture(scope="session")
def screenshot_root(request, tmp_path_factory) -> Path:
    configured = os.environ.get("JANGKAU_SCREENSHOTS")
    root = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    root.mkdir(parents=True, exist_ok=True)
    request.config.stash[SCREENSHOTS_KEY] = root
    return root


def _slug(text: str, limit: int = 80) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:limit] or "root"


class _Recorder:
    """Saves a full-page PNG of every page that loads, and remembers server errors.

    The shot is not taken in the "load" handler: in the sync API that handler runs concurrently with the test,
    which may already be leaving the page, and Chromium produces no frame once a navigation has started (the
    screenshot then hangs). A load only marks the page as pending; the shot is taken in the test's own flow,
    just before its next action on the page (see `_shoot_before_actions`) or when the test ends.
    """

    def __init__(self, page, folder: Path):
        self.page = page
        self.folder = folder
        self.count = 0
        self.pending = False
        self.saved: list[Path] = []
        self.server_errors: list[str] = []
        self.reading_problems: list[str] = []

    def shoot(self, label: str | None = None) -> Path | None:
        self.pending = False
        url = urlsplit(self.page.url)
        name = label or "_".join(part for part in (url.path.strip("/") or "root", url.query) if part)
        path = self.folder / f"{self.count + 1:02d}-{_slug(name)}.png"
        try:
            self.page.screenshot(path=str(path), full_page=True, timeout=SCREENSHOT_TIMEOUT_MS)
        except Exception:  # noqa: BLE001 - a screenshot is a by-product; the test reports what went wrong
            return None
        self.count += 1
        self.saved.append(path)
        self.read()
        return path

    def read(self) -> None:
        """What the page says as shot: English words, raw values or machine times fail the test (tests/reading)."""
        try:
            html = self.page.content()
        except Exception:  # noqa: BLE001 - the page is already navigating away; its next shot is read
            return
        found = problems_in(visible_text(html))
        if found:
            self.reading_problems.append(f"{self.page.url}: {sorted(set(found))}")

    def flush(self) -> None:
        if self.pending and not self.page.is_closed():
            self.shoot()

    def on_load(self, _page) -> None:
        self.pending = True

    def on_response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.request.method} {response.url} -> {response.status}")


# Actions after which the page may no longer look as it loaded: a pending screenshot is taken just before them.
_PAGE_ACTIONS = (
    "goto", "reload", "go_back", "go_forward", "click", "dblclick", "tap", "fill", "type", "press", "check",
    "uncheck", "set_checked", "select_option", "set_input_files", "hover", "dispatch_event", "drag_and_drop",
    "expect_navigation",
)
_LOCATOR_ACTIONS = (
    "click", "dblclick", "tap", "fill", "type", "press", "press_sequentially", "check", "uncheck", "set_checked",
    "select_option", "set_input_files", "hover", "dispatch_event", "drag_to",
)


def _shooting_first(method, page_of):
    @functools.wraps(method)
    def action(self, *args, **kwargs):
        recorder = getattr(page_of(self), "jangkau_recorder", None)
        if recorder is not None:
            recorder.flush()
        return method(self, *args, **kwargs)

    return action


@pytest.fixture
def _shoot_before_actions(browser, monkeypatch):
    """For this test, Page and Locator actions first save the screenshot of a freshly loaded page."""
    from playwright.sync_api import Locator, Page

    for name in _PAGE_ACTIONS:
        monkeypatch.setattr(Page, name, _shooting_first(getattr(Page, name), lambda page: page))
    for name in _LOCATOR_ACTIONS:
        monkeypatch.setattr(Locator, name, _shooting_first(getattr(Locator, name), lambda locator: locator.page))


def _open_page(request, browser, live_server, screenshot_root, options: dict, kind: str):
    folder = screenshot_root / _slug(request.node.nodeid.split("::", 1)[-1], 120) / kind
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    context = browser.new_context(base_url=live_server, locale="id-ID", timezone_id="Asia/Jakarta", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    recorder = _Recorder(page, folder)
    page.on("load", recorder.on_load)
    page.on("response", recorder.on_response)
    page.jangkau_recorder = recorder
    return context, page, recorder


def _close(context, recorder) -> None:
    recorder.flush()  # the page the test ended on
    context.close()
    if recorder.server_errors:
        pytest.fail("server errors during the browser test:\n" + "\n".join(recorder.server_errors))
    if recorder.reading_problems:
        pytest.fail("pages that do not read in Bahasa Indonesia:\n" + "\n".join(recorder.reading_problems))


@pytest.fixture
def page(request, browser, live_server, screenshot_root, _shoot_before_actions):
    """A desktop page (1280x800) on a fresh browser context whose base_url is the live server."""
    context, page, recorder = _open_page(request, browser, live_server, screenshot_root, DESKTOP, "desktop")
    yield page
    _close(context, recorder)


@pytest.fixture
def phone_page(request, browser, live_server, screenshot_root, _shoot_before_actions):
    """A phone-sized page (390x844, mobile, touch) on its own fresh context."""
    context, page, recorder = _open_page(request, browser, live_server, screenshot_root, PHONE, "phone")
    yield page
    _close(context, recorder)


def pytest_terminal_summary(terminalreporter, config):
    root = config.stash.get(SCREENSHOTS_KEY, None)
    if root is not None:
        terminalreporter.write_line(f"browser screenshots: {root.resolve()}")
