"""The Jinja2 sandbox staff templates render in, and the render itself (run by the bounded child process).

Templates are uploaded by staff, so they are untrusted code: docxtpl's own default is an unsandboxed Jinja2
environment, which would let a template reach Python objects, files and settings. Every render and every parse
goes through `make_environment()`: an immutable sandbox with no globals, a short list of text filters, and limits
on the operators that let a tiny template build huge values.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict
from functools import lru_cache
from typing import Any, Mapping

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_REPEAT = 10_000  # longest string/list a template may build with `*`

# Filters a template may use: text shaping only. Left out on purpose: `safe` (would let data inject raw XML),
# `center`/`indent`/`wordwrap`/`format` (build huge strings from a small template), `attr`/`map(attribute)` are
# still sandboxed but useless on plain dicts.
SAFE_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "int", "join", "last", "length",
    "list", "lower", "max", "min", "replace", "reverse", "round", "sort", "string", "sum", "title", "trim",
    "truncate", "unique", "upper", "wordcount", "batch", "slice", "select", "reject", "selectattr", "rejectattr",
)


class TemplateRejected(ValueError):
    """A template that cannot be stored or rendered; `problems` are sentences in Bahasa Indonesia for the user."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__(" ".join(self.problems))


class LimitExceeded(SecurityError):
    """Raised by our own operator limits; unlike the sandbox's own errors its message is safe to show."""


class DocumentSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, plus limits on operators that let a tiny template eat the server's memory or CPU."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise LimitExceeded("operasi pangkat (**) tidak diizinkan di templat")
        if operator == "%" and isinstance(left, str):
            raise LimitExceeded("format teks dengan % tidak diizinkan di templat")
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int) and len(seq) * times > MAX_REPEAT:
                    raise LimitExceeded("hasil perkalian teks atau daftar terlalu panjang")
        return super().call_binop(context, operator, left, right)


class CompilingOnceSandbox(DocumentSandbox):
    """The render child's sandbox: a template part's source (the XML docxtpl makes of it) is compiled once and
    kept, keyed by the whole source, for the next render of the same template (compiling a letter's parts took
    about half of each render). The environment holds no state between renders; the limits are the same."""

    KEEP = 64  # compiled parts kept (a document type's template has a handful)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._compiled: OrderedDict[str, Any] = OrderedDict()

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's own signature
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            self._compiled[source] = template
            if len(self._compiled) > self.KEEP:
                self._compiled.popitem(last=False)
        else:
            self._compiled.move_to_end(source)
        return template


class _Template(DocxTemplate):
    """docxtpl's template, its tag clean-up of a part's XML (a pure function of the XML) done once per source."""

    def patch_xml(self, src_xml):
        return _patched_xml(src_xml)


@lru_cache(maxsize=CompilingOnceSandbox.KEEP)
def _patched_xml(src_xml: str) -> str:
    return DocxTemplate.patch_xml(None, src_xml)


def _configure(env: DocumentSandbox) -> DocumentSandbox:
    env.globals.clear()  # no range/lipsum/cycler/joiner/namespace/dict: templates only loop over our lists
    env.filters = {name: env.filters[name] for name in SAFE_FILTERS}
    return env


_render_environment: CompilingOnceSandbox | None = None


def render_environment() -> CompilingOnceSandbox:
    """The one sandbox of this process's renders (the bounded child's), made on first use."""
    global _render_environment
    if _render_environment is None:
        _render_environment = _configure(CompilingOnceSandbox(autoescape=True, undefined=StrictUndefined))
    return _render_environment


def make_environment() -> DocumentSandbox:
    """A fresh sandbox for one render: autoescape keeps data from breaking the XML; strict undefined makes a
    misspelt variable an error instead of a silently blank field on an official letter."""
    return _configure(DocumentSandbox(autoescape=True, undefined=StrictUndefined))


def _check_primitive(value: Any, where: str = "context") -> None:
    """A context holds only str/int/bool and lists of dicts of those: never an object a template could walk."""
    if isinstance(value, (str, int, bool)):
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: kunci bukan teks")
            _check_primitive(item, f"{where}.{key}")
        return
    if isinstance(value, list):
        for item in value:
            _check_primitive(item, f"{where}[]")
        return
    raise TypeError(f"{where}: nilai {type(value).__name__} tidak boleh masuk ke templat")


def _undefined_message(exc: UndefinedError) -> str:
    match = re.search(r"'(\w+)' is undefined|has no attribute '(\w+)'", exc.message or "")
    name = next((g for g in match.groups() if g), "") if match else ""
    return f"Templat memakai variabel yang tidak tersedia: {name}." if name else "Templat memakai variabel yang tidak tersedia."


def render_in_process(template_bytes: bytes, context: Mapping[str, Any]) -> bytes:
    """The sandboxed render itself, in this process: only the bounded child calls it."""
    _check_primitive(dict(context))
    template = _Template(io.BytesIO(template_bytes))
    try:
        template.render(dict(context), jinja_env=render_environment(), autoescape=True)
        out = io.BytesIO()
        template.save(out)
    except LimitExceeded as exc:
        raise TemplateRejected(f"Templat ditolak: {exc.message}.") from None
    except SecurityError:
        # The exception text names Python internals; the user needs only to know it is forbidden.
        raise TemplateRejected("Templat mencoba mengakses bagian sistem yang tidak diizinkan.") from None
    except UndefinedError as exc:
        raise TemplateRejected(_undefined_message(exc)) from None
    except TemplateError as exc:
        raise TemplateRejected(f"Templat tidak dapat dicetak: {_jinja_message(exc.message)}.") from None
    except MemoryError:
        raise  # the bounded child reports it as such
    except Exception:  # noqa: BLE001 - a staff-made file can break docxtpl/lxml in many ways; none may be a 500
        raise TemplateRejected("Templat tidak dapat dicetak: isi berkas .docx tidak dapat diolah.") from None
    return out.getvalue()


def _jinja_message(message: str | None) -> str:
    match = re.match(r"No (filter|test) named '(\w+)'", message or "")
    if match:
        return f"{'filter' if match.group(1) == 'filter' else 'tes'} '{match.group(2)}' tidak dikenal atau tidak diizinkan"
    return message or "kesalahan sintaks"
