"""Helpers the tests share: CSRF tokens and logging in through the real form."""

import re

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client, username: str, password: str = "kata-sandi-uji-123", next_url: str = ""):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, "next": next_url})


def page_messages(response) -> list[str]:
    """Error texts a page shows (flashed alerts and field errors), tags stripped: for assertion messages."""
    html = response.get_data(as_text=True)
    blocks = re.findall(r'class="(?:alert alert-danger[^"]*|invalid-feedback[^"]*|help-block[^"]*)"[^>]*>(.*?)</(?:div|span|p)>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;", " ", b)).strip() for b in blocks]


class _Counted:
    count = 0
    statements: list


def count_queries(engine):
    """Count the SQL statements run on `engine` inside the block: `with count_queries(db.engine) as q: ...; q.count`."""
    import contextlib

    from sqlalchemy import event

    @contextlib.contextmanager
    def counting():
        counted = _Counted()
        counted.statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            counted.count += 1
            counted.statements.append(statement)

        event.listen(engine, "before_cursor_execute", before)
        try:
            yield counted
        finally:
            event.remove(engine, "before_cursor_execute", before)

    return counting()


HIDDEN_RE = re.compile(r'<input[^>]*name="(csrf_token|row_version|row_loaded_at)"[^>]*>')


def form_tokens(client, path: str) -> dict[str, str]:
    """The hidden fields a real browser posts back with a form: the CSRF token and, on an edit form, the row
    version it was opened on (a save without it is refused)."""
    html = client.get(path).get_data(as_text=True)
    tokens = {}
    for tag in HIDDEN_RE.finditer(html):
        value = re.search(r'value="([^"]*)"', tag.group(0))
        tokens[tag.group(1)] = value.group(1) if value else ""
    assert "csrf_token" in tokens, f"no CSRF token on {path}"
    return tokens


def http_login(base_url: str, username: str, password: str = "kata-sandi-uji-123"):
    """A `requests` session logged in through a real HTTP server (cookies, redirects and streaming as a browser
    sees them, which the test client hides)."""
    import requests

    session = requests.Session()
    page = session.get(f"{base_url}/login", timeout=30).text
    match = CSRF_RE.search(page)
    assert match, "no CSRF token on /login"
    response = session.post(f"{base_url}/login", data={"username": username, "password": password,
                                                        "csrf_token": match.group(1) or match.group(2), "next": ""},
                            allow_redirects=False, timeout=30)
    assert response.status_code == 302, response.text[:500]
    return session
