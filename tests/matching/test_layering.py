"""matching/ is pure: it imports only the standard library and networkx (rustworkx optional)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import matching

ALLOWED = set(sys.stdlib_module_names) | {"networkx", "rustworkx", "__future__"}
MODULES = sorted(Path(matching.__file__).parent.rglob("*.py"))


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_module_is_checked() -> None:
    assert {p.name for p in MODULES} >= {"__init__.py", "matcher.py", "pool.py", "solver.py"}


def test_matching_imports_only_stdlib_and_networkx() -> None:
    for path in MODULES:
        foreign = _imports(path) - ALLOWED
        assert not foreign, f"{path.name} imports {sorted(foreign)}"


def test_matching_never_imports_the_layers_above_or_the_database() -> None:
    for path in MODULES:
        imported = _imports(path)
        for banned in ("bot", "community", "config", "sqlalchemy", "babel", "telegram", "nio"):
            assert banned not in imported, f"{path.name} imports {banned}"


def test_rustworkx_is_optional() -> None:
    # Imported only inside a try/except ImportError, so networkx alone is enough.
    for path in MODULES:
        tree = ast.parse(path.read_text())
        guarded = {
            id(node)
            for handler in ast.walk(tree)
            if isinstance(handler, ast.Try)
            for node in ast.walk(handler)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(a.name == "rustworkx" for a in node.names):
                assert id(node) in guarded, f"{path.name} imports rustworkx unguarded"
