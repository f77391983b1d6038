"""Arrows point one way (docs/architecture.md): the plumbing imports no domain, partners and
indicators never import reporting, and a reporting domain imports only those below it."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUMBING = ("config.api", "config.db", "config.cache", "config.worker", "config.l10n")
# Domains of the reporting app, lowest first: each may import those before it.
DOMAINS = (
    "reporting.locations",
    "reporting.common",
    # Approvals: the submissions writers hold (below the months and the 5W)...
    "reporting.approvals.choices",
    "reporting.approvals.models",
    "reporting.approvals.holds",
    "reporting.periods",
    # The region's check catalogue: the 5W rules name their checks from it.
    "reporting.quality.choices",
    "reporting.quality.checks",
    "reporting.activities",
    "reporting.approvals",  # ...and the workflow, which counts the 5W
    "reporting.border_flows",
    "reporting.figures",
    "reporting.webhooks",
    "reporting.region",
    "reporting.quality",  # the quality report reads the 5W
    "reporting.sitreps",  # the situation report reads every figure
)
PROJECT = ("config", "partners", "indicators", "reporting")


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _layer(module: str) -> tuple[str, int]:
    if any(_within(module, p) for p in PLUMBING):
        return "plumbing", 0
    if _within(module, "partners") or _within(module, "indicators"):
        return "accounts and reference data", 1
    for rank, domain in enumerate(DOMAINS):
        if _within(module, domain):
            return domain, 2 + rank
    return "top", 99  # settings, URLs, admin, loaders, commands: may import anything


def _modules():
    for package in PROJECT:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            yield ".".join(path.relative_to(ROOT).with_suffix("").parts), path


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _violations():
    found = []
    for module, path in _modules():
        name, rank = _layer(module)
        for line, imported in _imports(path):
            if not any(_within(imported, p) for p in PROJECT):
                continue
            target, target_rank = _layer(imported)
            if imported == "reporting.models" and rank < 99:
                found.append(f"{module}:{line} imports reporting.models (import from the domain)")
            elif target_rank > rank and target != name:
                found.append(f"{module}:{line} ({name}) imports {imported} ({target})")
    return found


def test_lower_layers_never_import_higher_ones():
    assert _violations() == []


@pytest.mark.parametrize(
    ("module", "imported"),
    [
        ("config.api.exports", "reporting.activities.spreadsheets"),
        ("partners.api.views", "reporting.activities.models"),
        ("reporting.periods.services", "reporting.activities.models"),
        ("reporting.activities.batches", "reporting.models"),
    ],
)
def test_the_check_sees_a_wrong_arrow(module, imported, tmp_path, monkeypatch):
    """The check itself can fail: a module importing upwards is reported."""
    path = tmp_path / "probe.py"
    path.write_text(f"from {imported} import x\n")
    monkeypatch.setattr("tests.test_architecture._modules", lambda: iter([(module, path)]))
    assert len(_violations()) == 1


def _runtime_imports(path: Path):
    """The project modules a file imports when it runs: type-only imports (under `if
    TYPE_CHECKING:`) are not imports."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
        for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_no_two_modules_import_each_other():
    """An import circle (even through an import inside a function) means two modules that
    cannot be read, changed or loaded apart: the model's clean() and the rules it calls
    were one (issue 29)."""
    modules = dict(_modules())
    imports = {name: set(_runtime_imports(path)) & set(modules) for name, path in modules.items()}
    circles = sorted(
        f"{a} <-> {b}" for a, targets in imports.items() for b in targets
        if a < b and a in imports.get(b, set())
    )  # fmt: skip
    assert circles == []


MODULE_LINES, FUNCTION_LINES = 400, 60  # docs/architecture.md, "Shape"


def _too_long(path: Path) -> list[str]:
    source = path.read_text()
    found = []
    if source.count("\n") > MODULE_LINES:
        found.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > FUNCTION_LINES:
                found.append(
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.name}(): {length} lines"
                )
    return found


def test_modules_and_functions_stay_short():
    """A module past 400 lines becomes a package; a function past 60 lines, smaller ones."""
    assert [problem for _, path in _modules() for problem in _too_long(path)] == []


def test_the_length_check_sees_a_long_function(tmp_path):
    body = "\n".join(f"    x{n} = {n}" for n in range(FUNCTION_LINES))
    path = ROOT / "tests" / f"_long_{tmp_path.name}.py"  # under ROOT: named relative to it
    path.write_text(f"def long():\n{body}\n")
    try:
        assert _too_long(path) == [f"tests/{path.name}:1 long(): {FUNCTION_LINES + 1} lines"]
    finally:
        path.unlink()
