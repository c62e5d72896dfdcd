"""The layout holds: imports point one way (no cycle between modules or packages), `sop`, `documents` and
`reports` never import Flask, no step number, role code or time standard outside the step table, and every screen
over case data is need-to-know scoped. Read from the source, so a change that breaks the layout fails here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "admin_app"
NO_FLASK = ("sop", "documents", "reports")
# Where step numbers and role codes may be written: the table itself, the seeds, the schema's migrations, and the
# model that declares the role codes (`RoleCode`) and the schema's range check of a step number.
DECLARATIONS = ("sop/", "seeding/", "migrations/")


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent)
        if "migrations" in rel.parts:
            continue
        name = ".".join(rel.with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every admin_app module this file imports, at any level (function-level imports count too)."""
    names: set[str] = set()
    tree = ast.parse(path.read_text())
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                names.add(full if full in MODULES else base)
    return {n for n in names if n == "admin_app" or n.startswith("admin_app.")}


def _resolve(name: str) -> str | None:
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


GRAPH = {name: {r for r in map(_resolve, _imports(path)) if r and r != name} for name, path in MODULES.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "admin_app"


def test_the_import_graph_is_read():
    assert GRAPH["admin_app.sop.process"] >= {"admin_app.sop.steps", "admin_app.sop.guards"}
    assert "admin_app.models" in {_resolve(n) for n in _imports(MODULES["admin_app.sop.requirements"])}


def test_no_module_imports_itself_back():
    assert _cycle(GRAPH) is None, " -> ".join(_cycle(GRAPH) or [])


def test_packages_point_one_way():
    # The app factory (admin_app/__init__) wires everything together and is imported by nobody but the CLI
    # entry; it is left out of the package graph.
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        source = _package(module)
        if source == "admin_app":
            continue
        packages.setdefault(source, set()).update(
            t for t in map(_package, targets) if t not in (source, "admin_app")
        )
    assert _cycle(packages) is None, " -> ".join(_cycle(packages) or [])
    assert "documents" not in packages.get("sop", set()) and "sop" not in packages.get("documents", set())
    assert "security" not in packages["models"]
    assert not packages["models"] - {"extensions"}, packages["models"]


@pytest.mark.parametrize("package", NO_FLASK)
def test_domain_packages_never_import_flask(package):
    for path in (PACKAGE / package).rglob("*.py") if (PACKAGE / package).exists() else ():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not re.match(r"^(flask|flask_\w+|werkzeug)(\.|$)", name), f"{path}: imports {name}"
                assert not name.startswith(("admin_app.views", "admin_app.extensions")), f"{path}: imports {name}"


# --- the step table is the only declaration ---------------------------------------------------------------------

LITERALS = [
    (re.compile(r"(current_step|step_no|from_step|to_step)\s*(==|!=|<=|>=|<|>)\s*\d"), "a step number compared"),
    (re.compile(r"\bin\s*\(\s*\d\s*,\s*\d"), "a tuple of step numbers"),
    (re.compile(r"\bstep\(\s*\d\s*\)"), "a step looked up by number"),
    (re.compile(r"""has_role\([^)]*["'](petugas|kepala|administrasi|sysadmin)["']"""), "a role code literal"),
    (re.compile(r"""(?<![\w.=])["'](petugas|kepala|administrasi|sysadmin)["'](?!\s*:)"""), "a role code literal"),
    (re.compile(r"\b\d+\s+(menit|hari kerja)\b"), "a time standard written out"),
]


def _sources():
    for path in sorted(PACKAGE.rglob("*")):
        rel = path.relative_to(PACKAGE).as_posix()
        if path.suffix not in (".py", ".html") or rel.startswith(DECLARATIONS):
            continue
        yield rel, path.read_text()


def test_no_step_number_role_code_or_time_standard_outside_the_table():
    problems = []
    for rel, text in _sources():
        for number, line in enumerate(text.splitlines(), start=1):
            if rel == "models/users.py" and re.match(r'\s+[A-Z]+ = "\w+"$', line):
                continue  # the RoleCode enum: the declaration of the codes
            for pattern, what in LITERALS:
                if pattern.search(line):
                    problems.append(f"{rel}:{number}: {what}: {line.strip()}")
    assert not problems, "\n".join(problems)


def test_the_grep_would_catch_a_literal():
    lines = ['if case.current_step == 3:', 'user.has_role("kepala")', "{% if current_user.has_role('petugas') %}",
             "Mutu baku 10 menit", "if number in (3, 5):"]
    for line in lines:
        assert any(p.search(line) for p, _ in LITERALS), line


def test_modules_stay_small_or_say_why():
    long = []
    for name, path in MODULES.items():
        text = path.read_text()
        if len(text.splitlines()) > 520 and "Length (about" not in text[:2000]:
            long.append(f"{name}: {len(text.splitlines())} lines")
    assert not long, long


# --- every screen over case data is scoped ----------------------------------------------------------------------


def test_every_view_over_case_rows_is_need_to_know_scoped(app):
    from flask_admin.contrib.sqla import ModelView

    from admin_app.models import AuditEvent, Case
    from admin_app.views.base import CaseScopedView

    admin = app.extensions["admin"][0]
    checked = 0
    for view in admin._views:
        if not isinstance(view, ModelView):
            continue
        model = view.model
        if model is AuditEvent:
            continue  # the trail names a case by id only and holds no case content (its own access rules apply)
        if model is Case or "case_id" in model.__table__.c:
            assert isinstance(view, CaseScopedView), f"{type(view).__name__} shows case rows without the scope"
            checked += 1
    assert checked >= 10
