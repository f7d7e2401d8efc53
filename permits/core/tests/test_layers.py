"""The apps' layers (docs/ARCHITECTURE.md): import-linter checks the graph in `make test`; this test keeps the
one habit it cannot see, an import tucked into a function to reach another app. Such an import is either a
cycle in hiding or a lazy load with a reason, and then the line says why (a comment on the import itself)."""

import ast
import io
import tokenize
from pathlib import Path

PERMITS = Path(__file__).resolve().parents[2]


def _function_imports_across_apps():
    for path in sorted(PERMITS.rglob("*.py")):
        parts = path.relative_to(PERMITS).parts
        if "tests" in parts or "migrations" in parts or len(parts) < 2:
            continue
        app, source = parts[0], path.read_text()
        comments = {
            tok.start[0]
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type == tokenize.COMMENT
        }
        for func in ast.walk(ast.parse(source)):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("permits."):
                    target = node.module.split(".")[1]
                    if target != app:
                        yield f"permits/{path.relative_to(PERMITS)}:{node.lineno}", node.module, node.lineno in comments


def test_no_import_inside_a_function_reaches_another_app_without_saying_why():
    found = list(_function_imports_across_apps())
    unexplained = [(where, module) for where, module, commented in found if not commented]
    assert unexplained == [], "import at the top of the module (the layers allow it) or say on the line why not"


def _function_imports_within_apps():
    """Relative imports (`from .tasks import ...`) inside a function body, outside `AppConfig.ready()`,
    the one place Django asks for them (registrations that need the app registry)."""
    for path in sorted(PERMITS.rglob("*.py")):
        parts = path.relative_to(PERMITS).parts
        if "tests" in parts or "migrations" in parts or path.name == "apps.py":
            continue
        for func in ast.walk(ast.parse(path.read_text())):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.level > 0:
                    yield f"permits/{path.relative_to(PERMITS)}:{node.lineno}"


def test_no_import_inside_a_function_within_an_app():
    """A service that needs a job asks core.jobs by name; a module needs its app's models at the top."""
    assert list(_function_imports_within_apps()) == []
