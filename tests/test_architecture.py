"""The house rules of the code base, checked on the source itself (issue 20, item 6).

- no module over `MAX_MODULE_LINES` lines, no function or method over `MAX_FUNCTION_LINES`;
- no import cycle between our modules (imports at module level and inside functions both count:
  a function-level import that closes a cycle only hides it; imports under `TYPE_CHECKING` never
  run, so they do not);
- the layering: `bot -> community -> matching`, `config` readable by all and importing nothing of
  ours but itself; `matching` pure; only `bot/telegram` imports `telegram`, only `bot/matrix`
  imports `nio`.

What is still over today is named in `KNOWN_OVER`, so that the test fails on anything new, and
also once a named entry is fixed: the list only ever shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "community", "config", "matching")
# Generated migration scripts are history, not modules anyone reads as code.
EXCLUDED = ("community/migrations/versions",)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# What our packages may import of each other (a package always may import itself). That
# `matching` imports nothing but the standard library and networkx is checked in
# tests/matching/test_layering.py.
MAY_IMPORT = {
    "config": frozenset({"config"}),
    "matching": frozenset({"matching"}),
    "community": frozenset({"community", "matching", "config"}),
    "bot": frozenset({"bot", "community", "matching", "config"}),
}
# Platform libraries and the one package that may import each.
PLATFORM_LIBRARIES = {"telegram": "bot/telegram", "nio": "bot/matrix"}

# Over the limits today, while other parts of issue 20 are split in parallel; the lead empties
# this after merging. Each entry is a violation as `_violations` spells it: "module <path>",
# "function <path>::<qualified name>" or "cycle <module> <-> <module> ...".
KNOWN_OVER: frozenset[str] = frozenset()


def _sources() -> dict[str, Path]:
    """Our modules by dotted name."""
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if any(relative.startswith(prefix + "/") for prefix in EXCLUDED):
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


@cache
def _modules() -> dict[str, tuple[Path, ast.Module, int]]:
    """Each module's path, syntax tree and number of lines."""
    parsed = {}
    for name, path in _sources().items():
        text = path.read_text(encoding="utf-8")
        parsed[name] = (path, ast.parse(text, filename=str(path)), len(text.splitlines()))
    return parsed


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int]]:
    """(qualified name, lines) of every function and method, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = prefix + node.name
            yield name, (node.end_lineno or node.lineno) - node.lineno + 1
            yield from _functions(node, name + ".")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, prefix + node.name + ".")
        else:
            yield from _functions(node, prefix)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import that can run: at module level, in functions, not under TYPE_CHECKING."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _imports(node)


def _imports_in(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    yield from _imports(node)


def _imported_names(module: str, is_package: bool, tree: ast.AST) -> Iterator[str]:
    """The dotted names `module` imports: `from a import b` gives `a.b` when that is a module
    of ours, else `a`."""
    ours = _modules()
    for node in _imports(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
            continue
        base = node.module or ""
        if node.level:
            anchor = module.split(".")
            anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            full = f"{base}.{alias.name}"
            yield full if full in ours else base


def _graph() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports."""
    ours = _modules()
    graph: dict[str, set[str]] = {}
    for name, (path, tree, _) in ours.items():
        is_package = path.name == "__init__.py"
        targets = {t for t in _imported_names(name, is_package, tree) if t in ours}
        graph[name] = targets - {name}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def _cycle_path(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One cycle through the first module of `component`, to show in the failure."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    return component


def _violations() -> dict[str, str]:
    """Every violation of the limits, with what to say about it."""
    found: dict[str, str] = {}
    for path, tree, lines in _modules().values():
        where = _relative(path)
        if lines > MAX_MODULE_LINES:
            found[f"module {where}"] = f"{lines} lines"
        for name, size in _functions(tree):
            if size > MAX_FUNCTION_LINES:
                found[f"function {where}::{name}"] = f"{size} lines"
    graph = _graph()
    for component in _cycles(graph):
        found["cycle " + " <-> ".join(component)] = " -> ".join(_cycle_path(graph, component))
    return found


def test_modules_functions_and_imports_keep_the_limits() -> None:
    violations = _violations()
    new = {key: why for key, why in violations.items() if key not in KNOWN_OVER}
    assert not new, "over the limits (split it; see tests/test_architecture.py):\n" + "\n".join(
        f"  {key}: {why}" for key, why in sorted(new.items())
    )


def test_the_known_list_only_names_what_is_still_over() -> None:
    fixed = sorted(KNOWN_OVER - set(_violations()))
    assert not fixed, "no longer over: take these out of KNOWN_OVER:\n" + "\n".join(
        f"  {key}" for key in fixed
    )


def _layer_breaches() -> Iterator[str]:
    ours = _modules()
    for name, (path, tree, _) in ours.items():
        package = name.split(".")[0]
        where = _relative(path)
        for target in _imported_names(name, path.name == "__init__.py", tree):
            top = target.split(".")[0]
            if top in MAY_IMPORT and top not in MAY_IMPORT[package]:
                yield f"{where} imports {target}"
            owner = PLATFORM_LIBRARIES.get(top)
            if owner is not None and not (where + "/").startswith(owner + "/"):
                yield f"{where} imports {top} (only {owner} may)"


def test_the_layers_import_only_downwards() -> None:
    breaches = sorted(set(_layer_breaches()))
    assert not breaches, "\n".join(breaches)


def test_the_checks_see_the_code_base() -> None:
    """The walk finds our packages, and the cycle finder finds a cycle when there is one."""
    assert {"bot.app", "community.models", "config", "matching"} <= set(_modules())
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycle_path({"a": {"b"}, "b": {"a"}}, ["a", "b"]) == ["a", "b", "a"]


@pytest.mark.parametrize("source", ["def f():\n" + "    x = 1\n" * 60])
def test_a_function_is_measured_from_def_to_its_last_line(source: str) -> None:
    assert list(_functions(ast.parse(source))) == [("f", 61)]


def test_the_domain_has_one_member_per_area() -> None:
    """`Domain` is a handful of service objects (one per area) and what the event shares, not a
    hub of forwarding methods: at most 15 public members, none of them a plain method."""
    from community.services.domain import Domain

    tree = ast.parse((ROOT / "community/services/domain.py").read_text())
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == Domain.__name__]
    members: set[str] = set()
    methods: list[str] = []
    for node in cls.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            members.add(node.name)
            if not node.decorator_list:
                methods.append(node.name)
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            for sub in ast.walk(node):
                stored = isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store)
                if stored and not sub.attr.startswith("_"):
                    members.add(sub.attr)
    assert len(members) <= 15, sorted(members)
    assert not methods, f"forwarding methods on Domain: {methods}"
