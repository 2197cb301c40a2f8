"""`facilitate browse`: the workshop in Datasette, views first with titles, internals hidden."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from workshops import build_realistic_workshop

from console import browse
from console.cli import cli, demo_path
from console.store.export import open_read_only

VIEWS_DOC = Path(__file__).parent.parent / "docs" / "views.md"


@pytest.fixture
def workshop(tmp_path: Path) -> Path:
    """A realistic workshop with rounds, cards and actions."""
    return build_realistic_workshop(tmp_path / "workshop.db")


async def get(datasette: object, path: str) -> object:
    """Fetch a page through Datasette's own test client."""
    response = await datasette.client.get(path)  # type: ignore[attr-defined]
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response


async def test_the_database_page_lists_the_views_first_with_their_titles(workshop: Path) -> None:
    reader = open_read_only(workshop)
    try:
        datasette = browse.make_datasette(workshop, reader)
        await datasette.invoke_startup()
        page = (await get(datasette, "/workshop")).text
    finally:
        reader.close()
    first_view = page.index("Pain point ranking")
    assert first_view < page.index('id="tables"'), "the views come before the tables"
    for title, _ in browse.VIEWS.values():
        assert title in page
    for query in browse.CANNED_QUERIES.values():
        assert query["title"] in page
    listed = set(re.findall(r'href="/workshop/(\w+)"', page))
    for internal in ("_sqlite_migrations", "instances", "revision", "undo_log", "display"):
        assert internal not in listed, f"{internal} is listed"
    assert "pain_points" in listed


async def test_views_open_without_their_id_columns(workshop: Path) -> None:
    reader = open_read_only(workshop)
    try:
        datasette = browse.make_datasette(workshop, reader)
        await datasette.invoke_startup()
        data = (await get(datasette, "/workshop/pain_point_ranking.json?_shape=objects")).json()
        everything = "select * from pain_point_ranking limit 1"
        full = await get(datasette, f"/workshop.json?_shape=objects&sql={everything}")
    finally:
        reader.close()
    rows = data["rows"]
    assert rows, "the realistic workshop has ranked pain points"
    assert not any(browse.is_id_column(column) for column in rows[0])
    assert {"rank", "text", "score"} <= set(rows[0])
    assert "pain_point_id" in full.json()["rows"][0], "SQL reaches every column"


async def test_the_canned_queries_answer(workshop: Path) -> None:
    reader = open_read_only(workshop)
    try:
        datasette = browse.make_datasette(workshop, reader)
        await datasette.invoke_startup()
        themes = (await get(datasette, "/workshop/top_themes.json?_shape=objects")).json()
        cards = (await get(datasette, "/workshop/top_cards.json?_shape=objects")).json()
        actions = (await get(datasette, "/workshop/open_actions.json?_shape=objects")).json()
    finally:
        reader.close()
    assert themes["rows"] and all(row["pain_points"] > 0 for row in themes["rows"])
    assert [row["rank"] for row in themes["rows"]] == sorted(r["rank"] for r in themes["rows"])
    assert cards["rows"] and all(row["rank"] <= 10 for row in cards["rows"])
    assert all(set(row) >= {"what", "who", "due_on"} for row in actions["rows"])


def test_each_view_description_is_the_one_in_the_docs() -> None:
    text = VIEWS_DOC.read_text("utf-8")
    documented = dict(re.findall(r"^#### (\w+)\n(.+)$", text, re.M))
    assert set(documented) == set(browse.VIEWS)
    for name, (_, description) in browse.VIEWS.items():
        assert description == documented[name]


def test_browse_without_datasette_says_how_to_install_it(
    workshop: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *args: None if name == "datasette" else real(name, *args),
    )
    result = CliRunner().invoke(cli, ["browse", str(workshop)])
    assert result.exit_code == 1
    assert 'pip install "facilitation-console[browse]"' in result.output
    assert "Traceback" not in result.output


def test_browse_refuses_a_file_that_is_not_a_workshop(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = CliRunner().invoke(cli, ["browse", str(junk)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1


def test_the_demo_lives_in_the_platforms_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    folder = tmp_path / "Application Support" / "facilitation-console"
    monkeypatch.setattr(platformdirs, "user_data_path", lambda *args, **kwargs: folder)
    assert demo_path() == folder / "demo.db"
