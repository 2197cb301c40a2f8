"""The `facilitate` command: create, open and demonstrate workshop files."""

from __future__ import annotations

import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

import click

from console import __version__
from console.launch import fail, run_app, run_console, unexpected_errors_reported, user_errors
from console.store.core import WorkshopStore
from console.store.files import StoreError

DEFAULT_FILE = "workshop.db"


class OpenByDefault(click.Group):
    """A group where `facilitate PATH` means `facilitate open PATH`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["open", *args]
        return super().parse_args(ctx, args)


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
    facilitate present PATH         the projector view, for the mirrored screen
    facilitate notes PATH           the note-taker's console, on the takeaways
    facilitate room PATH            phones in the room join, add pain points and vote
    facilitate export PATH          the report (md, html), the data (csv, json), or all
    facilitate merge TARGET SOURCE  bring note-takers' copies into one file
    facilitate browse PATH          the file in Datasette (optional extra)

    Everything is saved the moment you press Enter; two consoles on one file see each
    other's changes within half a second.
    """
    if ctx.invoked_subcommand is None:
        path = Path(DEFAULT_FILE)
        with user_errors(path):
            if not path.exists():
                _create(path, None, None)
                click.echo(f"Created {path} from the default template.", err=True)
        run_console(path)


@cli.command("open")
@click.argument("path", type=click.Path(path_type=Path))
def open_command(path: Path) -> None:
    """Open the console on the workshop file PATH."""
    run_console(path)


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
    with user_errors(path):
        _create(path, template, title)
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
    with user_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        if not path.exists():
            build_demo(path).close()
    click.echo(f"Demo workshop: {path}", err=True)
    run_console(path)


@cli.command("present")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def present_command(path: Path) -> None:
    """Show the projector view of PATH: large, high-contrast, read-only; it follows what the
    facilitator's console puts on screen (key p there)."""
    with user_errors(path):
        store = WorkshopStore.open(path, role="projector")
    run_app(store, lambda: _make_projector(store))


def _make_projector(store: WorkshopStore) -> Any:
    """Build the projector app (imported late: Textual is the slow part of start-up)."""
    from console.ui.projector.app import make_projector_app

    return make_projector_app(store)


@cli.command("notes")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def notes_command(path: Path) -> None:
    """Open the note-taker's console on PATH, on the takeaways: run it in a second terminal
    next to the facilitator's; each sees the other's changes within half a second."""
    run_console(path, role="notes", first_pane="takeaways")


@cli.command("room")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--host",
    default="0.0.0.0",
    show_default=True,
    metavar="ADDR",
    help="The address to listen on. The default is every network of this laptop (its "
    "hotspot too); 127.0.0.1 keeps the room on this laptop.",
)
@click.option(
    "--port",
    type=click.IntRange(1, 65535),
    default=None,
    metavar="N",
    help="The port to listen on. Default: 8000, or the next free one up to 8020.",
)
@click.option("--parent-pid", type=int, default=None, hidden=True)
def room_command(path: Path, host: str, port: int | None, parent_pid: int | None) -> None:
    """Open the room: delegates join the workshop PATH from their phones.

    \b
    Runs a small web server on this laptop, for phones on the laptop's own network (turn on
    its hotspot; no internet needed). It prints the join link, the room code and a QR code
    of the link; phones open it, type the code and get a delegate's place. From the console
    you choose what phones may do (add pain points, dot-vote, pick cards) and when; nothing
    a facilitator decides can be done from a phone. /screen shows the room's view in a
    browser. Press Ctrl+C to close the room: every saved row stays in the file. The server
    logs requests and errors to PATH.room.log beside the file.
    """
    from console.room.server import run

    with user_errors(path):
        run(path, host=host, port=port, parent_pid=parent_pid)


@cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "formats",
    type=click.Choice(["md", "html", "csv", "json", "all"]),
    multiple=True,
    help="md, html: the report; csv: one file per table; json: the whole workshop; all: the "
    "four. Repeat it for several (--format md --format csv). Default: md.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write: the file (csv: a folder) for one format; for several, the folder that "
    "gets each under its usual name (made if missing). Default: next to PATH, e.g. "
    "workshop-report.md, workshop-report.html, workshop-csv/, workshop.json.",
)
def export_command(path: Path, formats: tuple[str, ...], out: Path | None) -> None:
    """Export the workshop PATH at any moment, also while consoles have it open.

    The file is read in one consistent snapshot, once for all the formats asked for, and never
    written; each export appears complete or not at all.

    \b
    facilitate export workshop.db                      workshop-report.md
    facilitate export workshop.db --format all         all four, next to workshop.db
    facilitate export workshop.db --format all --out reports/
    """
    from console.report.build import FORMATS, export_formats, targets_of
    from console.report.output import ExportError, not_written
    from console.report.parallel import export_in_parallel
    from console.store.durable import disk_full_means
    from console.store.export import open_read_only
    from console.store.files import check_readable_workshop, has_journal

    chosen = set(FORMATS) if "all" in formats else set(formats or ("md",))
    several = len(chosen) > 1
    with user_errors(path):
        if several:
            if out is not None and out.exists() and not out.is_dir():
                raise ExportError(f"Could not write to {out}: it is a file, not a folder.")
            targets = targets_of(path, chosen, out)
        else:
            [fmt] = chosen
            targets = {fmt: out} if out is not None else targets_of(path, chosen)
        first = next(iter(targets.values()))
        sentence = "nothing was exported; free some space and try again."
        # Reading needs room too: SQLite makes the file's shared-memory index beside it.
        with disk_full_means(sentence if several else not_written(first), path.parent):
            # Several exports read the whole file for damage while they are written (each
            # renamed into place only once it has passed: report/parallel.py).
            had_journal = has_journal(path)
            format_version = check_readable_workshop(path, whole_file=not several)
            made = several and out is not None and _made_folder(out)
            try:
                if several:
                    # One process per group of exports, each on a core of its own.
                    written_paths = export_in_parallel(
                        path, targets, format_version, had_journal=had_journal
                    )
                    for written in written_paths:
                        click.echo(f"Wrote {written}")
                else:
                    with open_read_only(path, checked=format_version, bulk=True) as reader:
                        for written in export_formats(reader, path, targets):
                            click.echo(f"Wrote {written}")
            except ExportError as error:
                # It already says which export the disk had no room for, and what was kept.
                error.__context__ = None
                raise
            except StoreError:
                if made and out is not None:
                    with suppress(OSError):
                        out.rmdir()  # the folder made for a damaged file's exports, still empty
                raise


def _made_folder(folder: Path) -> bool:
    """Make the folder several exports go to, private to its owner, unless it exists; tell
    whether it was made."""
    from console.report.output import ExportError

    if folder.is_dir():
        return False
    if not folder.parent.is_dir():
        raise ExportError(f"Could not write to {folder}: folder {folder.parent} does not exist.")
    folder.mkdir(mode=0o700)
    return True


@cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--kind",
    type=click.Choice(["agenda", "participants", "pain-points", "deck"]),
    default=None,
    help="What a .csv or .toml FILE holds. Leave out for a whole workshop .json export.",
)
def import_command(path: Path, file: Path, kind: str | None) -> None:
    """Import FILE into the workshop PATH: all of it or nothing.

    \b
    A whole workshop (.json from `facilitate export --format json`) goes into a new or
    empty workshop file PATH. Agenda items (day, title, kind, minutes), participants (label,
    name, role, table), pain points (text, theme, raised_by) and decks (code, title,
    category, description) come from .csv or .toml files ([[items]], [[participants]],
    [[pain_points]], [[cards]]) and are added to an existing workshop.
    """
    from console.report.json_export import parse_workshop_json
    from console.store.durable import disk_full_means
    from console.store.importer import import_records, import_workshop, read_import_file

    with user_errors(path):
        if kind is None:
            if file.suffix.casefold() != ".json":
                raise ValueError(
                    f"{file.name}: say what it holds with --kind (agenda, participants, "
                    "pain-points, deck), or import a whole-workshop .json export."
                )
            tables = parse_workshop_json(read_import_file(file, 200_000_000), file.name)
            summary = import_workshop(path, tables, source=file.name)
        else:
            nothing = f"nothing was imported into {path}; free some space and try again."
            with (
                disk_full_means(nothing, path.parent),
                WorkshopStore.open(path, role="import") as store,
            ):
                summary = import_records(store, kind, file)
    click.echo(summary.message)


@cli.command("merge")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
def merge_command(target: Path, sources: tuple[Path, ...]) -> None:
    """Bring the rows of note-takers' or co-facilitators' copies SOURCES into TARGET.

    \b
    Rows are matched by id: new rows are added, identical rows left alone, so running it
    twice changes nothing. A row that differs keeps the version with the later updated_at
    (on equal times: the console instance id that sorts last), and is listed. The sources
    are only read; the target changes in one transaction, all of it or nothing.
    """
    from console.store.merge import merge_workshops

    with user_errors(target):
        result = merge_workshops(target, list(sources))
    for line in result.lines():
        click.echo(line)


@cli.command("portfolio")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "json"]),
    default="md",
    show_default=True,
)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Default: stdout.")
def portfolio_command(files: tuple[Path, ...], fmt: str, out: Path | None) -> None:
    """Combine many workshop FILES into one ranking of cards and pain-point themes.

    Cards match by deck and code (else by title), themes by name; with counts per workshop
    and trends by year. Files that are not workshops are reported and skipped.
    """
    from console.report.html import render_portfolio_html
    from console.report.output import not_written, write_atomic, write_stdout
    from console.report.portfolio import combine, portfolio_json, render_portfolio_markdown
    from console.store.durable import is_disk_full
    from console.store.portfolio import read_summary

    summaries = []
    skipped: list[str] = []
    with click.progressbar(files, label="Reading workshops", file=sys.stderr) as bar:
        for file in bar:
            try:
                summaries.append(read_summary(file))
            except (StoreError, ValueError, OSError) as error:
                if is_disk_full(error, file.parent):
                    # Reading needs room too: SQLite makes a shared-memory index beside the file.
                    lost = f"{file} could not be read; free some space and try again."
                    fail(f"the disk is full: {not_written(out) if out else lost}")
                reason = str(error)
                skipped.append(reason if str(file) in reason else f"{file}: {reason}")
    for line in skipped:
        click.echo(f"facilitate: skipped {line}", err=True)
    if not summaries:
        fail("none of the files is a workshop.")
    portfolio = combine(summaries, skipped)
    render = {
        "md": render_portfolio_markdown,
        "html": render_portfolio_html,
        "json": portfolio_json,
    }
    text = render[fmt](portfolio)
    with user_errors():
        if out is None:
            write_stdout(text)
            return
        write_atomic(out, text)
    click.echo(f"Wrote {out} ({len(summaries)} workshops)", err=True)


@cli.command("browse")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--port", default=8001, show_default=True, help="The port to serve on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="The address to listen on (the default: this laptop only).",
)
def browse_command(path: Path, port: int, host: str) -> None:
    """Open the workshop file PATH in Datasette, read-only: the results views first (pain
    point and theme rankings, card results, actions, agenda times), internal tables hidden.

    Needs the optional extra: pip install "facilitation-console[browse]".
    """
    import asyncio
    import importlib.util

    from console.store.export import open_read_only

    if importlib.util.find_spec("datasette") is None:
        fail(MISSING_DATASETTE)
    from console.browse import serve

    with user_errors(path):
        reader = open_read_only(path)
    click.echo(f"Browsing {path} at http://{host}:{port}/ (Ctrl+C to stop)", err=True)
    try:
        asyncio.run(serve(path, reader, host, port))
    except KeyboardInterrupt:
        pass
    finally:
        reader.close()


MISSING_DATASETTE = (
    "facilitate browse needs Datasette, an optional extra: "
    'pip install "facilitation-console[browse]" (or pip install ".[browse]" in a clone).'
)


def demo_path() -> Path:
    """Return where the demo workshop lives: the user's data folder, never the package."""
    from platformdirs import user_data_path  # installed with Textual

    return user_data_path("facilitation-console", appauthor=False) / "demo.db"


def _create(path: Path, template: str | None, title: str | None) -> None:
    """Create a workshop file from a template, whole on the disk; leave nothing if that fails."""
    from console.store.durable import create_workshop
    from console.store.templates import DEFAULT_TEMPLATE, apply_template, load_template

    load_template(template or DEFAULT_TEMPLATE)
    if title is not None and not title.strip():
        raise ValueError("The title cannot be empty.")
    create_workshop(
        path, lambda store: apply_template(store, template or DEFAULT_TEMPLATE, title=title)
    )


def main() -> None:
    """Run the click command line (the `facilitate` entry point is console.launch.main)."""
    with unexpected_errors_reported():
        cli(prog_name="facilitate")
