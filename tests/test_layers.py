"""The layers stay apart: domain and store never load Textual; only the store speaks SQL."""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import console
import console.domain
import console.store

PACKAGE = Path(console.__file__).parent


def module_names(package) -> list[str]:
    """Return the importable modules of a package."""
    return [f"{package.__name__}.{info.name}" for info in pkgutil.iter_modules(package.__path__)]


def test_domain_and_store_import_without_textual_or_rich() -> None:
    entry_points = ["console.cli", "console.launch"]
    modules = module_names(console.domain) + module_names(console.store) + entry_points
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_domain_imports_nothing_but_the_standard_library_and_itself() -> None:
    allowed = set(sys.stdlib_module_names) | {"console"}
    for path in (PACKAGE / "domain").glob("*.py"):
        for line in path.read_text("utf-8").splitlines():
            match = re.match(r"\s*(?:from|import) ([a-zA-Z_]\w*)", line)
            if match:
                assert match.group(1) in allowed | {"__future__"}, f"{path.name}: {line}"


def test_the_ui_holds_no_sql() -> None:
    pattern = re.compile(
        r"\.execute\(|\bSELECT\b|\bINSERT INTO\b|\bUPDATE [a-z_]+ SET\b|sqlite_utils|import sqlite3"
    )
    for path in (PACKAGE / "ui").rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            assert not pattern.search(line), f"{path.relative_to(PACKAGE)}:{number}: {line}"


FEATURES = ("agenda", "inventory", "cards", "takeaways")


def test_the_ui_is_one_folder_per_feature() -> None:
    ui = PACKAGE / "ui"
    loose = sorted(path.name for path in ui.iterdir() if path.is_file())
    assert loose == ["__init__.py", "app.py"], "a feature's files belong in its folder"
    for feature in FEATURES:
        folder = ui / feature
        assert (folder / f"{feature}_pane.py").is_file(), feature
        assert list(folder.glob("*.tcss")), f"{feature} keeps its styles beside its pane"


def test_the_ui_reads_records_not_rows_and_watches_features_not_tables() -> None:
    pattern = re.compile(r"""\bRow\b|\[["'][a-z_]+["']\]|WATCHED_TABLES|changed_tables""")
    for path in (PACKAGE / "ui").rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
            assert not pattern.search(line), f"{path.relative_to(PACKAGE)}:{number}: {line}"


def test_ui_classes_follow_one_naming_scheme() -> None:
    import importlib
    import inspect

    from textual.screen import ModalScreen

    from console.ui.common.pane import Pane
    from console.ui.projector.base import ProjectorView

    suffixes = {ModalScreen: "Modal", Pane: "Pane", ProjectorView: "View"}
    for path in (PACKAGE / "ui").rglob("*.py"):
        module = importlib.import_module(
            ".".join(("console", *path.relative_to(PACKAGE).with_suffix("").parts))
        )
        for name, value in vars(module).items():
            if not inspect.isclass(value) or value.__module__ != module.__name__:
                continue
            for base, suffix in suffixes.items():
                if issubclass(value, base) and value is not base:
                    assert name.endswith(suffix), f"{module.__name__}.{name} is a {base.__name__}"


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Return every module a file imports (in functions too), with its line number."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def test_the_store_imports_nothing_from_the_report_or_the_ui() -> None:
    for path in sorted((PACKAGE / "store").rglob("*.py")):
        for number, name in imported_modules(path):
            assert not name.startswith(("console.report", "console.ui")), (
                f"{path.relative_to(PACKAGE)}:{number} imports {name}"
            )


def test_the_layer_check_sees_imports_inside_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def later():\n    from console.report import model\n", "utf-8")
    assert imported_modules(sample) == [(2, "console.report.model")]


ROOM_MAY_IMPORT = ("console.room", "console.store", "console.domain")
"""The room server uses the store and the domain, like the ui; never the ui or the report."""


def test_the_room_imports_only_the_store_and_the_domain() -> None:
    for path in sorted((PACKAGE / "room").rglob("*.py")):
        for number, name in imported_modules(path):
            if name.startswith("console"):
                assert name.startswith(ROOM_MAY_IMPORT), (
                    f"{path.relative_to(PACKAGE)}:{number} imports {name}"
                )


def room_imports(path: Path) -> list[tuple[int, bool]]:
    """Return where a file imports console.room: (line, whether inside a function)."""
    found: list[tuple[int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        if any(name == "console.room" or name.startswith("console.room.") for name in names):
            found.append((getattr(node, "lineno", 0), in_function))
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(path.read_text("utf-8")), False)
    return found


def test_nothing_imports_the_room_but_its_command() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.is_relative_to(PACKAGE / "room"):
            continue
        for number, in_function in room_imports(path):
            where = f"{path.relative_to(PACKAGE)}:{number}"
            assert path == PACKAGE / "cli.py" and in_function, f"{where} imports console.room"


def test_the_room_check_sees_imports_at_the_top_and_in_functions(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from console.room import app\n\ndef later():\n    import console.room.server\n", "utf-8"
    )
    assert room_imports(sample) == [(1, False), (4, True)]


def test_starting_the_console_loads_no_web_server() -> None:
    script = (
        "import sys\n"
        "import console.launch, console.cli, console.ui.app, console.ui.projector.app\n"
        "web = ('starlette', 'uvicorn', 'segno', 'ifaddr', 'httpx', 'console.room')\n"
        "print(sorted(m for m in sys.modules if m.startswith(web)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
