"""Browser helpers: logging in through the real form, extra screenshots, layout checks."""

from __future__ import annotations

from pathlib import Path

TEST_PASSWORD = "kata-sandi-uji-123"


def screenshot(page, label: str) -> Path | None:
    """Save an extra screenshot of the page as it is now (e.g. with a menu open)."""
    return page.jangkau_recorder.shoot(label)


def login(page, base_url: str, username: str, password: str = TEST_PASSWORD) -> None:
    """Log in through the real form and wait for the page that follows."""
    page.goto(f"{base_url}/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("#login-submit")


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
