"""Security headers on every response, and the per-request nonce of the Content-Security-Policy.

Policy (HTML pages):

- Scripts run only with this request's nonce: no 'unsafe-inline', no host allow-list. Flask-Admin 2.x puts the
  nonce on every <script> and <link> it renders (`Admin(csp_nonce_generator=...)`, template variable
  `admin_csp_nonce_attribute`); our own templates use `csp_nonce()`. Inline event handlers (`onclick=`) and
  `javascript:` links are therefore blocked. Ours are gone (static/jangkau.js: `data-jangkau-print`,
  `data-jangkau-confirm`). Flask-Admin 2.2's templates still write a few (pallets-eco/flask-admin#2556), and
  Chromium reports such an attribute as a violation as soon as it parses the page; so exactly those known
  handlers are moved to a `data-jangkau-onclick` attribute on the way out (`move_inline_handlers`), which the
  browser never treats as script, and jangkau.js does the same thing with an ordinary listener. Only template
  markup can match: autoescaping turns every quote in data into `&#34;`, so no value a user typed can form
  `onclick="`.
- Style sheets (<link>, <style>) need the nonce or our own origin. Style *attributes* are allowed
  ('unsafe-inline' in style-src-attr only): Flask-Admin, Bootstrap, select2 and our templates set `style="..."`
  (widths, white-space), and jQuery plugins write inline styles at run time. A style attribute cannot run code or
  load anything from elsewhere (img-src/font-src still apply); it could at worst re-arrange a page an attacker
  already injects markup into, which output escaping prevents in the first place.
- Nothing may frame us (frame-ancestors 'none', plus X-Frame-Options for old browsers), no plugins, forms post
  only to us, <base> cannot be redirected, everything else only from our own origin.

Other responses (downloads, JSON, static files) get a policy that allows nothing but the document itself: a
file served by mistake with an active content type still cannot run script or be framed.
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, Response, g, request

NONCE_BYTES = 18  # 144 bits, base64url: 24 characters

# Pages in our own templates (login, error pages) read the nonce through this Jinja global.
JINJA_GLOBAL = "csp_nonce"


def csp_nonce() -> str:
    """This request's nonce: created on first use, the same for every template and the header."""
    nonce = g.get("_csp_nonce")
    if nonce is None:
        nonce = g._csp_nonce = secrets.token_urlsafe(NONCE_BYTES)
    return nonce


def html_policy(nonce: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'nonce-{nonce}'",
        "style-src": f"'self' 'nonce-{nonce}'",
        "style-src-attr": "'unsafe-inline'",
        # Bootstrap 4 draws select arrows and check marks as data: SVG images in its CSS.
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


OTHER_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

# Browser features the app never uses: switched off so an injected script or frame cannot ask for them.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


# The inline handlers Flask-Admin 2.2's templates write, exactly (row delete, batch actions, filter menu, inline
# forms), and ours from before the policy. jangkau.js knows each of them; anything else stays an onclick and is
# blocked (and reported) by the browser.
_KNOWN_HANDLERS = (
    r"return faHelpers\.safeConfirm\('[^\"\\]*'\);?",
    r"return confirm\('[^\"\\]*'\);?",
    r"return modelActions\.execute\('[\w.-]+'\);?",
    r"faForm\.addInlineField\(this, '[\w.-]+'\);?",
    r"return false;?",
    r"window\.print\(\);?",
)
KNOWN_INLINE_HANDLER = re.compile(r'\sonclick="(' + "|".join(_KNOWN_HANDLERS) + r')"')


def move_inline_handlers(response: Response) -> None:
    """Turn the known inline handlers of an HTML page into data attributes (see the module docstring)."""
    if response.is_streamed or response.direct_passthrough:
        return
    html = response.get_data(as_text=True)
    if "onclick=" not in html:
        return
    response.set_data(KNOWN_INLINE_HANDLER.sub(r' data-jangkau-onclick="\1"', html))


def is_static(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def apply_security_headers(response: Response) -> Response:
    """Set the headers on one response (called from the app's after_request hook)."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if "Content-Security-Policy" not in headers:
        html = (response.mimetype or "") == "text/html"
        if html:
            move_inline_handlers(response)
        headers["Content-Security-Policy"] = html_policy(csp_nonce()) if html else OTHER_POLICY
    if request.is_secure:
        # Only over HTTPS (behind the proxy: X-Forwarded-Proto with JANGKAU_TRUSTED_PROXIES set).
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not is_static(request.endpoint):
        # Every generated page may show victim data or carry a form token: never kept in any cache, not even the
        # browser's back-button cache on a shared office computer.
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
    return response


def init_app(app: Flask, admin=None) -> None:
    """Make the nonce available to our templates and to Flask-Admin's."""
    app.jinja_env.globals[JINJA_GLOBAL] = csp_nonce
    if admin is not None:
        admin.csp_nonce_generator = csp_nonce
