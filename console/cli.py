"""The `facilitate` command: create, open and demonstrate workshop files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from console import __version__
from console.domain.templates import TemplateError
from console.store.core import WorkshopStore
from console.store.files import StoreError

DEFAULT_FILE = "workshop.db"


class OpenByDefault(click.Group):
    """A group where `facilitate PATH` means `facilitate open PATH`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["open", *args]
        return super().parse_args(ctx, args)


def fail(message: str) -> NoReturn:
    """Print one line on stderr and exit non-zero."""
    click.echo(f"facilitate: {message}", err=True)
    sys.exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn every expected problem into one line on stderr, never a traceback."""
    try:
        yield
    except (StoreError, TemplateError, ValueError) as error:
        fail(str(error))
    except PermissionError as error:
        fail(f"permission denied: {error.filename}.")
    except OSError as error:
        fail(f"{error.strerror or error}: {error.filename or ''}".rstrip(": ") + ".")


@click.group(cls=OpenByDefault, invoke_without_command=True)
@click.version_option(__version__, prog_name="facilitate")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Run a live workshop from one SQLite file: agenda, timers, pain points, card votes,
    takeaways and the report.

    \b
    facilitate                      open ./workshop.db (created if missing)
    facilitate PATH                 open a workshop file
    facilitate new PATH             create a workshop file from a template
    facilitate demo                 open a filled example workshop

    Everything is saved the moment you press Enter; two consoles on one file see each
    other's changes within half a second.
    """
    if ctx.invoked_subcommand is None:
        path = Path(DEFAULT_FILE)
        with user_errors():
            if not path.exists():
                _create(path, None, None).close()
                click.echo(f"Created {path} from the default template.", err=True)
        _run_console(path)


@cli.command("open")
@click.argument("path", type=click.Path(path_type=Path))
def open_command(path: Path) -> None:
    """Open the console on the workshop file PATH."""
    _run_console(path)


@cli.command("new")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--template",
    "template",
    default=None,
    metavar="NAME|FILE",
    help="A shipped template (see `facilitate templates`) or a .toml file. "
    "Default: executive-connections.",
)
@click.option("--title", default=None, help="The workshop's title (default: the template's).")
def new_command(path: Path, template: str | None, title: str | None) -> None:
    """Create the workshop file PATH from a template."""
    with user_errors():
        _create(path, template, title).close()
    click.echo(f"Created {path}. Open it with: facilitate {path}")


@cli.command("templates")
def templates_command() -> None:
    """List the shipped templates."""
    from console.store.templates import DEFAULT_TEMPLATE, shipped_template_names

    for name in shipped_template_names():
        click.echo(f"{name}{'  (default)' if name == DEFAULT_TEMPLATE else ''}")


@cli.command("demo")
@click.option("--fresh", is_flag=True, help="Rebuild the example from scratch.")
def demo_command(fresh: bool) -> None:
    """Open a filled example workshop (kept in your user data folder)."""
    from console.store.demo import build_demo

    path = demo_path()
    with user_errors():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        if not path.exists():
            build_demo(path).close()
    click.echo(f"Demo workshop: {path}", err=True)
    _run_console(path)


def demo_path() -> Path:
    """Return where the demo workshop lives: the user's data folder, never the package."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "facilitation-console" / "demo.db"


def _create(path: Path, template: str | None, title: str | None) -> WorkshopStore:
    """Create a workshop file from a template; leave nothing behind if that fails."""
    from console.store.templates import DEFAULT_TEMPLATE, apply_template, load_template

    load_template(template or DEFAULT_TEMPLATE)
    if title is not None and not title.strip():
        raise ValueError("The title cannot be empty.")
    store = WorkshopStore.create(path)
    try:
        apply_template(store, template or DEFAULT_TEMPLATE, title=title)
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        raise
    return store


def _run_console(path: Path, **options: Any) -> None:
    """Open the workshop file and run the console until the facilitator quits."""
    with user_errors():
        store = WorkshopStore.open(path, role=options.pop("role", "console"))
    _run_app(store, lambda: _make_console(store, **options))


def _make_console(store: WorkshopStore, **options: Any) -> Any:
    """Build the console app (imported late: Textual is the slow part of start-up)."""
    from console.ui.app import make_app

    return make_app(store, **options)


def _run_app(store: WorkshopStore, factory: Callable[[], Any]) -> None:
    """Run a Textual app on the store and close the file afterwards."""
    try:
        factory().run()
    finally:
        store.close()


def main() -> None:
    """Entry point of the `facilitate` command."""
    cli(prog_name="facilitate")
