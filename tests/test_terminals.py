"""Terminals: 256 colours, 16 colours, NO_COLOR, and hostile text shown literally.

The app is driven with the pilot; what a terminal would receive is rebuilt the way
``App.export_screenshot`` does it (the screen's compositor output printed on a recording
Rich console) but with the colour system the app's own console detected, so the escape
codes can be inspected. Textual 8.2.8 reads NO_COLOR, TERM and COLORTERM in
``App.__init__`` (its console gets a copy of the environment) and TEXTUAL_COLOR_SYSTEM at
import (``textual.constants.COLOR_SYSTEM``): the tests patch them before building the app.
"""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.color import ColorSystem, ColorType
from rich.console import Console
from rich.style import Style

from glose.db import layers, spans
from glose.db.transaction import write
from glose.nlp import blank_tokenizer
from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.vocabulary import SUGGESTIONS
from glose.widgets.article_view import LABEL_COMPONENTS, ArticleView
from glose.widgets.claims_panel import ClaimsPanel
from glose.widgets.document_table import DocumentTable
from tests.tui_data import build

ROOT = Path(__file__).resolve().parent.parent
SIXTEEN_COLOUR_SGR = {*range(30, 38), 39, *range(40, 48), 49, *range(90, 98), *range(100, 108)}

BOLD_TAG = "[bold]x[/b]"
LINK_TAG = "[link=http://e]y[/link]"
OSC_TITLE = "\x1b]0;pwned\x07"  # would retitle the terminal if written raw
OSC_SHOWN = "\u241b]0;pwned\u2407"  # what import normalisation stores instead: ␛]0;pwned␇
HOSTILE_FIRST_LINE = f"{BOLD_TAG} {LINK_TAG} {OSC_TITLE}"
HOSTILE_CLAIM = f"« {BOLD_TAG} {LINK_TAG} {OSC_TITLE} »"
HOSTILE_SOURCE = "[b]Jean[/B] Dupont"


def terminal_output(app, color_system: str | None = None) -> Console:
    """What the app's screen sends to a terminal, recorded (as ``export_screenshot`` builds it)."""
    width, height = app.size
    system = color_system or app.console.color_system or "truecolor"
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system=system, record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens,
                                                        simplify=False))
    return console


def screen_cells(console: Console) -> list[list[tuple[str, Style]]]:
    """The recorded screen as rows of (character, style)."""
    rows: list[list[tuple[str, Style]]] = [[]]
    for segment in console._record_buffer:
        if segment.control:
            continue
        for index, piece in enumerate(segment.text.split("\n")):
            if index:
                rows.append([])
            rows[-1].extend((char, segment.style or Style()) for char in piece)
    return rows


def screen_text(console: Console) -> str:
    return "\n".join("".join(char for char, _ in row) for row in screen_cells(console))


def styles_at(console: Console, needle: str, *, nth: int = 0) -> list[Style]:
    """Styles of each character of the nth on-screen occurrence of ``needle`` (on one row)."""
    found = 0
    for row in screen_cells(console):
        line = "".join(char for char, _ in row)
        start = line.find(needle)
        while start != -1:
            if found == nth:
                return [style for _, style in row[start:start + len(needle)]]
            found += 1
            start = line.find(needle, start + 1)
    raise AssertionError(f"{needle!r} not on screen:\n{screen_text(console)}")


def colour_codes(console: Console) -> set[str]:
    """The SGR colour codes the recorded screen needs on ``console``'s colour system.

    Computed per colour rather than read from ``export_text(styles=True)``: Rich caches a
    Style's ANSI codes on the Style object for the first colour system it met, and
    Textual shares Style objects across apps in one process.
    """
    system = console._color_system
    codes = set()
    for segment in console._record_buffer:
        style = segment.style
        if style is None or system is None:
            continue
        if style.color is not None:
            codes.add(";".join(style.color.downgrade(system).get_ansi_codes(foreground=True)))
        if style.bgcolor is not None:
            codes.add(";".join(style.bgcolor.downgrade(system).get_ansi_codes(foreground=False)))
    return codes


async def open_first_claim(pilot):
    await pilot.pause()
    assert isinstance(pilot.app.screen, ArticleScreen)
    await pilot.press("n")
    await pilot.pause()


# -- NO_COLOR -------------------------------------------------------------------------------


async def test_no_color_still_marks_the_selected_claim(db, db_path, clean_terminal_env):
    clean_terminal_env.setenv("NO_COLOR", "1")
    doc = build(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc)
    assert app.no_color, "Textual did not see NO_COLOR"
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_claim(pilot)
        console = terminal_output(app)
        assert "La paix est proche" in screen_text(console)
        selected = styles_at(console, "La paix est proche")  # the article comes first on screen
        other = styles_at(console, "trêve tiendra")  # "la" ends the line above at 100 columns
        colours = {style.color for row in screen_cells(console) for _, style in row} | {
            style.bgcolor for row in screen_cells(console) for _, style in row}
    # The selected claim is told apart by attributes, not colour: reversed; the other claim is
    # still marked as a claim (underlined) but not reversed.
    assert all(style.reverse for style in selected), selected
    assert all(style.underline and not style.reverse for style in other), other
    assert not {s.without_color for s in selected} & {s.without_color for s in other}
    # And no colour is left but greys (Textual's Monochrome filter) or the terminal's default.
    for colour in colours - {None}:
        if colour.type is not ColorType.DEFAULT:
            red, green, blue = colour.get_truecolor()
            assert red == green == blue, colour


async def test_no_color_tells_labels_and_states_apart_with_tags(db, db_path, clean_terminal_env):
    """Issue 9.6: under NO_COLOR, ORG and LOC (and PER and SOURCE) looked the same; tag rows
    name each label and its state, on by default there, and v turns them off and on."""
    from glose.settings import Settings

    clean_terminal_env.setenv("NO_COLOR", "1")
    assert Settings.from_environment(os.environ).tags
    assert not Settings.from_environment({**os.environ, "GLOSE_TAGS": "0"}).tags
    assert not Settings.from_environment({}).tags and Settings.from_environment({"GLOSE_TAGS": "1"}).tags
    doc = build(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc, tags=Settings.from_environment(os.environ).tags)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_claim(pilot)
        await pilot.press("a")  # the first frame accepted: its parts read ✓, the rest ?
        await pilot.pause()
        text = screen_text(terminal_output(app))
        for tag in ("CLAIM✓", "CUE✓", "PER✓", "LOC?", "CLAIM?", "ORG?"):
            assert tag in text, text
        await pilot.press("v")
        await pilot.pause()
        assert "PER✓" not in screen_text(terminal_output(app))
        assert "✓ accepted" in screen_text(terminal_output(app))  # the legend says what the marks mean


# -- 256 and 16 colours -----------------------------------------------------------------------


@pytest.mark.parametrize("setting, expected", [
    ("TERM=xterm-256color", ColorSystem.EIGHT_BIT),
    ("TERM=xterm-16color", ColorSystem.STANDARD),
    ("TEXTUAL_COLOR_SYSTEM=standard", ColorSystem.STANDARD),
])
async def test_limited_colour_terminals_render_the_article(db, db_path, clean_terminal_env, setting, expected):
    name, value = setting.split("=")
    if name == "TEXTUAL_COLOR_SYSTEM":
        import textual.constants

        clean_terminal_env.setattr(textual.constants, "COLOR_SYSTEM", value)
    else:
        clean_terminal_env.setenv(name, value)
    doc = build(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc)
    assert app.console._color_system == expected
    async with app.run_test(size=(100, 30)) as pilot:
        await open_first_claim(pilot)
        console = terminal_output(app)
        text = screen_text(console)
        codes = colour_codes(console)
        selected = styles_at(console, "La paix est proche")
    assert "« La paix est proche », a déclaré Jean Dupont à Genève." in text
    assert "alice · 2 claims" in text  # the status line
    assert all(style.reverse for style in selected)
    if expected == ColorSystem.STANDARD:
        # Only the 16 ANSI colours (and the defaults): no 38;5 / 38;2 / 48;5 / 48;2 sequences.
        assert {int(code) for code in codes} <= SIXTEEN_COLOUR_SGR, sorted(codes)
    else:
        assert not any(code.startswith(("38;2", "48;2")) for code in codes), "truecolor sent"
        assert any(code.startswith(("38;5", "48;5")) for code in codes)


@pytest.mark.parametrize("system", [ColorSystem.TRUECOLOR, ColorSystem.EIGHT_BIT, ColorSystem.STANDARD])
async def test_entity_labels_keep_distinct_colours(db, db_path, clean_terminal_env, system):
    """Entities are coloured by label: PER, ORG, LOC, MISC and SOURCE mentions are
    all italic, so their colour is what tells them apart; it must survive the terminal's palette."""
    doc = build(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        colours = {label: view.get_component_rich_style(LABEL_COMPONENTS[label], partial=True).color
                   for label in ("PER", "ORG", "LOC", "MISC", "SOURCE")}
    shown = {label: ";".join(colour.downgrade(system).get_ansi_codes()) if colour else None
             for label, colour in colours.items()}
    clashes = {(a, b) for a in shown for b in shown if a < b and shown[a] == shown[b]}
    assert not clashes, f"same colour in {system.name}: {sorted(clashes)} (SGR {shown}; theme {colours})"


# -- Hostile text ---------------------------------------------------------------------------


@pytest.fixture
def hostile_doc(db, tmp_path):
    """A .txt article through the real importer, with a claim, cue and source over hostile text."""
    from glose import importer

    source = tmp_path / "hostile.txt"
    source.write_text(f"{HOSTILE_FIRST_LINE}\n{HOSTILE_CLAIM}, a déclaré {HOSTILE_SOURCE}.\n", encoding="utf-8")
    report = importer.import_paths(db, [source], nlp=blank_tokenizer(), tokenizer_name="blank:fr")
    (doc_id, title, text), = db.execute("SELECT id, title, text FROM documents").fetchall()
    assert "\x1b" not in text and "\x07" not in text and OSC_SHOWN in text, report

    def span(part, label, **extra):
        start = text.index(part, len(title))  # in the second line
        return {"start": start, "end": start + len(part), "label": label, "origin": "test", **extra}

    claim = HOSTILE_CLAIM.replace(OSC_TITLE, OSC_SHOWN)
    with write(db):
        spans.add_annotations(db, doc_id, layers.layer_id(db, SUGGESTIONS), [
            span(claim, "CLAIM", attrs={"quote_type": "direct"}), span("a déclaré", "CUE"),
            span(HOSTILE_SOURCE, "PER"),
        ], [{"head": 0, "child": 1, "label": "CUE"}, {"head": 0, "child": 2, "label": "SAID_BY"}])
    return doc_id, title, text


def assert_nothing_raw(app, console: Console) -> None:
    """No ESC or BEL from the text reaches the terminal, and no ``[link=...]`` became a link.

    Control segments are Textual's own (cursor moves); every other segment is text that
    the terminal receives as is, between the SGR codes of its style."""
    texts = [segment.text for segment in console._record_buffer if not segment.control]
    raw = [text for text in texts if "\x1b" in text or "\x07" in text or "\x9b" in text]
    assert not raw, f"raw control characters written to the terminal: {raw}"
    assert not any(segment.style and segment.style.link for segment in console._record_buffer)
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "\x07" not in svg


async def test_markup_and_escape_sequences_are_shown_literally(db_path, hostile_doc, clean_terminal_env):
    doc_id, title, text = hostile_doc
    shown_title = HOSTILE_FIRST_LINE.replace(OSC_TITLE, OSC_SHOWN)
    assert title == shown_title
    app = GloseApp(db_path, annotator="alice")
    # 100 columns: the narrow layout, where the claims panel spans the width under the text.
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DocumentTable)
        assert table.row_at(0).title == shown_title
        console = terminal_output(app)
        listed = screen_text(console)
        # The title column is 44 cells: the start of the title, brackets and all.
        assert f"{BOLD_TAG} {LINK_TAG}" in listed, listed
        assert_nothing_raw(app, console)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        await pilot.press("n")
        await pilot.pause()
        console = terminal_output(app)
        article = screen_text(console)
        second_line = text.splitlines()[1]
        assert shown_title in article, article  # the first line of the article, whole
        assert second_line[:60] in article, article
        assert OSC_SHOWN in article
        panel = app.screen.query_one(ClaimsPanel)
        assert len(panel.claims) == 1
        panel_text = "\n".join(line[panel.region.x:panel.region.right]
                               for line in article.splitlines()[panel.region.y:panel.region.bottom])
        assert f"{BOLD_TAG} [link=" in panel_text and "[b]Jean[/B] Dupont" in panel_text, panel_text
        assert_nothing_raw(app, console)


async def test_database_name_and_annotator_are_shown_literally(tmp_path, clean_terminal_env):
    """The header shows 'annotator · database file name': both come from the command line."""
    db_path = tmp_path / f"base{OSC_TITLE}[bold].db"
    app = GloseApp(db_path, annotator="[b]eve[/b]")
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        console = terminal_output(app)
        text = screen_text(console)
        assert "[b]eve[/b]" in text, text
        assert_nothing_raw(app, console)


# -- The command line -----------------------------------------------------------------------


def test_cli_output_never_carries_escape_bytes_from_file_names(tmp_path):
    """``glose import`` and ``glose stats`` piped: file names with ESC and markup are printed
    with the ESC replaced and the brackets literal, on stdout and stderr."""
    folder = tmp_path / "in"
    folder.mkdir()
    name = "a\x1b[31mrouge[bold]b"
    (folder / f"{name}.txt").write_text("Titre\n« Bonjour », a déclaré Jean.\n", encoding="utf-8")
    (folder / f"bad{name}.txt").write_bytes(b"\xff\xfe\x00 not utf-8 \xff")
    db = tmp_path / f"d{name}.db"
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES")}

    def glose(*args):
        done = subprocess.run([sys.executable, "-m", "glose", "--db", str(db), *args], cwd=ROOT,
                              capture_output=True, env=env, timeout=300)
        return done.stdout + done.stderr

    outputs = {
        "import": glose("import", "--no-nlp", str(folder)),  # one imported, one not UTF-8
        "import again": glose("import", "--no-nlp", str(folder)),  # "already imported"
        "import missing": glose("import", "--no-nlp", str(folder / f"missing{name}.txt")),
        "stats": glose("stats"),
    }
    assert b"[bold]" in outputs["import again"] and b"[bold]" in outputs["stats"], outputs
    leaks = {what: out.decode(errors="replace") for what, out in outputs.items() if b"\x1b" in out}
    assert not leaks, f"raw ESC in the output of: {leaks}"
