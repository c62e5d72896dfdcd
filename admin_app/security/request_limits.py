"""Limits on what a request may carry, checked before anything reads it.

- Size: Flask bounds a whole body by MAX_CONTENT_LENGTH, and Werkzeug bounds each text field of a *multipart*
  form by MAX_FORM_MEMORY_SIZE and its number of parts by MAX_FORM_PARTS. A url-encoded form (what every
  Flask-Admin screen and our login post) is bounded by MAX_CONTENT_LENGTH only: one 16 MB "text field".
  `LimitedRequest` gives url-encoded forms the same two limits: the whole body (all of it is text fields) at most
  MAX_FORM_MEMORY_SIZE, at most MAX_FORM_PARTS fields. Too much is refused with 413 before anything is parsed.
- Characters: no control character in a URL parameter, none but tab and line breaks in a form field. NUL cannot
  be stored by PostgreSQL and none of them can be written into a Word document (XML 1.0), so they would fail
  later, far from the input; they are refused at the door with a 400 page that says why.
- URL length: a parameter value longer than MAX_URL_PARAMETER characters, or a query string longer than
  MAX_QUERY_STRING bytes (nginx's default header buffer), gets 414. A search box needs far less, and SQLite
  refuses LIKE patterns over 50 000 bytes with an error.
- Record ids: every table's primary key is an INTEGER, so an `id`/`..._id` URL parameter that is not an ASCII
  integer in the database's range, or an `<int:...>` URL part beyond it, names no record: 404, instead of a
  cast error or an overflow in the database driver (PostgreSQL refuses `WHERE id = 'abc'`, SQLite overflows
  beyond 64 bits).
"""

from __future__ import annotations

import re

from flask import Flask, Request, abort, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestURITooLarge
from werkzeug.routing import IntegerConverter

DB_INT_MAX = 2**31 - 1  # PostgreSQL INTEGER; SQLite's is wider
MAX_URL_PARAMETER = 2000  # characters of one query parameter
MAX_QUERY_STRING = 8192  # bytes of the whole query string

URL_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
FORM_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ID_PARAMETER = re.compile(r"(?:.*_)?id")
ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class ControlCharacters(BadRequest):
    """Refused input, with the message the error page shows."""

    user_message = (
        "Isian berisi karakter kontrol yang tidak diizinkan (misalnya dari teks yang disalin). "
        "Hapus karakter tersebut lalu kirim lagi."
    )


class LimitedRequest(Request):
    def _load_form_data(self) -> None:
        if "form" not in self.__dict__ and self.mimetype == "application/x-www-form-urlencoded":
            self._check_urlencoded_limits()
        super()._load_form_data()

    def _check_urlencoded_limits(self) -> None:
        limit = self.max_form_memory_size
        if limit is not None and self.content_length is not None and self.content_length > limit:
            raise RequestEntityTooLarge()
        # Within the limit (or of unknown length, then bounded by MAX_CONTENT_LENGTH): read once, kept for parsing.
        body = self.get_data(cache=True)
        if limit is not None and len(body) > limit:
            raise RequestEntityTooLarge()
        parts = self.max_form_parts
        if parts is not None and body.count(b"&") + 1 > parts:
            raise RequestEntityTooLarge()


class DatabaseIntegerConverter(IntegerConverter):
    """`<int:...>` in a route: only values a database INTEGER column can hold match; others are a 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = DB_INT_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def check_request_input():
    if len(request.query_string) > MAX_QUERY_STRING:
        raise RequestURITooLarge()
    for key, value in request.args.items(multi=True):
        if len(key) > MAX_URL_PARAMETER or len(value) > MAX_URL_PARAMETER:
            raise RequestURITooLarge()
        if ID_PARAMETER.fullmatch(key) and value:
            # Every table's key is an INTEGER: anything else names no record.
            if not ASCII_INTEGER.fullmatch(value) or abs(int(value)) > DB_INT_MAX:
                abort(404)
            continue
        if URL_CONTROL.search(key) or URL_CONTROL.search(value):
            raise ControlCharacters()
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in FORM_TYPES:
        for key, value in request.form.items(multi=True):
            if FORM_CONTROL.search(key) or FORM_CONTROL.search(value):
                raise ControlCharacters()
        for key in request.files:
            if FORM_CONTROL.search(key):
                raise ControlCharacters()
    return None


def init_app(app: Flask) -> None:
    """Call first in create_app: the converter must exist before routes are added, the check must run before
    any other before_request hook (CSRF protection reads the form)."""
    app.request_class = LimitedRequest
    app.url_map.converters["int"] = DatabaseIntegerConverter
    app.before_request(check_request_input)
