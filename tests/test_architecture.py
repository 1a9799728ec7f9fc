"""The pipeline's layering: each module imports only modules above it; only the CLI prints."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sitegen"

# Lower layers first (design.md): load, then write, then the entry points.
ORDER = ["errors", "buildcache", "workers", "filecache", "watching", "yamlpos", "schema", "config", "sources",
         "records", "history", "fields",
         "validate", "i18n", "markup", "resolve", "recurrence", "indexes", "site", "reads", "dates", "urls",
         "calendar_links",
         "templating", "render.views", "render.calendar", "render.jsonld", "render.ics",
         "render.feeds", "render.sitemap", "render.pages", "render.jobs",
         "plan", "writer", "uptodate", "staging", "search", "linkprobe", "linkcheck", "pipeline",
         "incremental", "devserver",
         "starters", "cli", "__main__"]


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


def sitegen_imports(path: Path) -> set[str]:
    """The sitegen modules `path` imports, by their dotted names within the package."""
    name = module_name(path)
    package = name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - node.level + 1]
            if node.module:
                found.add(".".join([*base, *node.module.split(".")]))
            else:
                found.update(".".join([*base, alias.name]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sitegen."):
            found.add(node.module.removeprefix("sitegen."))
    return found


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def test_every_module_has_a_place_in_the_layer_order():
    assert sorted(module_name(p) for p in modules()) == sorted(ORDER)


def test_modules_import_only_modules_above_them():
    upward = [(module_name(path), imported) for path in modules()
              for imported in sitegen_imports(path)
              if imported in ORDER and ORDER.index(imported) >= ORDER.index(module_name(path))]
    assert upward == []


def test_only_the_command_line_prints():
    printing = [module_name(path) for path in modules()
                if any(isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print"
                       for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert printing == ["cli"]


def test_modules_stay_small():
    sizes = {module_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in modules()}
    assert {name: lines for name, lines in sizes.items() if lines > 400} == {}
