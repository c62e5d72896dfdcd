"""How a page reads to staff: the text a user sees on a page, and what in it is not their language (English words,
raw enum names or codes, True/False/None, machine timestamps). Used by the crawl test and by every browser test
(each page a browser test loads is read too)."""

from __future__ import annotations

import html as html_lib
import re

# English a user would read. Checked as whole words, case-insensitive.
ENGLISH = {
    "list", "create", "edit", "delete", "save", "cancel", "search", "filter", "filters", "export", "details", "detail",
    "view", "version", "created", "updated", "update", "filled", "completed", "computed", "level", "user", "users",
    "true", "false", "none", "yes", "no", "back", "next", "previous", "page", "items", "select", "selected",
    "actions", "action", "submit", "record", "records", "home", "logout", "login", "password", "apply", "equals",
    "contains", "not", "greater", "smaller", "between", "empty", "add", "remove", "new", "the", "and", "with", "of",
    "by", "at", "is", "are", "you", "sure", "please", "error", "warning", "success", "required", "field", "invalid",
    "at", "date", "time", "name", "type", "value", "code", "label", "active", "order", "sort", "description",
    "notes", "note", "case", "victim", "step", "letter", "report", "plan", "consent", "complete", "draft", "status_",
    "sha256", "id", "object", "outcome", "ok", "refused", "failed", "roles", "username", "email", "phone", "address",
    "key", "settings", "setting", "holiday", "region", "indicator", "weight", "template", "templates", "file",
    "upload", "download", "preview", "activate", "active", "inactive", "true", "toggle", "navigation", "close",
}
# Indonesian words (or names) that are also English words, reviewed: they may stand on a page.
INDONESIAN = {"status", "data", "total", "format", "media", "normal", "pos", "unit", "online",
              "no",  # "No." is the Indonesian abbreviation of nomor
              "informed", "consent"}  # the SOP's own term: "informed consent" (formulir persetujuan layanan)

ENUM_NAME = re.compile(r"\b[A-Z]{2,}(?:_[A-Z]+)+\b")  # LAKI_LAKI, IN_PROGRESS
SNAKE_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # manajemen_kasus, intervention_plans, case_id
MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|\+00:00|\d{2}:\d{2}:\d{2}\.\d+|\b\d{4}-\d{2}-\d{2}\b")
VISIBLE_ATTRS = re.compile(r'(?:placeholder|title|value|aria-label|alt)="([^"]*)"')


def visible_text(html: str) -> str:
    # Flask-Admin keeps the markup of a new inline row (e.g. a plan's service row) escaped in a hidden template;
    # it is what the user sees after "Tambah": read it as markup too.
    html = re.sub(r'(?is)(<div class="inline-field-template d-none">)(.*?)(</div>)',
                  lambda m: m.group(1) + html_lib.unescape(m.group(2)) + m.group(3), html)
    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    # <code> is what staff type on purpose (template variables such as {{ nomor_surat }}): reviewed, not prose.
    html = re.sub(r"(?is)<code\b.*?</code>", " ", html)
    html = re.sub(r"(?is)<!--.*?-->", " ", html)
    html = re.sub(r'(?is)<input[^>]*type="hidden"[^>]*>', " ", html)
    # Data for scripts (Flask-Admin's filter definitions) sits in hidden containers: not read by anyone.
    html = re.sub(r'(?is)<div id="[a-z-]+-data" class="d-none"[^>]*>.*?</div>', " ", html)
    # A date input's value is ISO by the HTML standard; the browser shows it in the user's own format.
    html = re.sub(r'(?is)(<input[^>]*type="(?:date|datetime-local|time|number)"[^>]*?)\svalue="[^"]*"', r"\1", html)
    html = re.sub(r'(?is)<option[^>]*value="([^"]*)"', "<option", html)  # option values are machine keys
    attrs = " ".join(VISIBLE_ATTRS.findall(re.sub(r'(?is)<(input|button)[^>]*type="(hidden|checkbox|radio)"[^>]*>', "", html)))
    text = re.sub(r"(?s)<[^>]+>", " ", html)
    return html_lib.unescape(text + " " + attrs)


def problems_in(text: str) -> list[str]:
    found = []
    text = re.sub(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", " ", text)  # an e-mail address is read as it is, not as words
    for word in re.findall(r"[A-Za-z][A-Za-z_]*", text):
        lower = word.lower()
        if lower in ENGLISH and lower not in INDONESIAN:
            found.append(f"English word {word!r}")
        if word in ("True", "False", "None"):
            found.append(f"raw value {word!r}")
    found += [f"enum name {m!r}" for m in ENUM_NAME.findall(text)]
    # {placeholders} of a letter number pattern are what the administrator types: not prose.
    found += [f"code {m!r}" for m in SNAKE_CODE.findall(re.sub(r"\{[a-z_0-9:]+\}", " ", text)) if m not in INDONESIAN]
    found += [f"machine time {m!r}" for m in MACHINE_TIME.findall(text)]
    return found
