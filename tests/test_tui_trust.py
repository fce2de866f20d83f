"""Issue 9: an annotator can trust the screen. One pilot test per defect found by an
experienced annotator, each checked in SQLite where it writes."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from glose.db import documents
from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.tui.document_list import DocumentListScreen
from glose.tui.help import HelpScreen, documented_screens, fill_readme, resolve
from glose.tui.modals import ChoiceModal
from glose.widgets.article_view import ArticleView
from glose.widgets.claims_panel import ClaimsPanel
from glose.widgets.status_line import StatusLine
from tests.test_terminals import screen_text, terminal_output
from tests.test_tui_annotator import app_for, links, open_article, rows
from tests.tui_data import TEXT, add_doc, at, build

ROOT = Path(__file__).resolve().parent.parent


def reversed_text(view: ArticleView, start: int, end: int) -> str:
    """The characters of [start, end) drawn reversed (selected) on screen."""
    shown = []
    for offset in range(start, end):
        line, cell = view.offset_to_position(offset)
        x = view._margin + cell
        strip = view.render_line(line - int(view.scroll_offset.y))
        if strip.crop(x, x + 1)._segments[0].style.reverse:
            shown.append(view.text[offset])
    return "".join(shown)


def status_text(screen) -> str:
    return str(screen.query_one(StatusLine).render())


# -- 1. The claim that s, S and c act on ----------------------------------------------------


async def test_the_caret_passing_over_a_claim_does_not_change_the_claim_sources_attach_to(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n", "n")  # "la trêve tiendra" is the claim
        await pilot.pause()
        assert "→ claim: la trêve tiendra" in status_text(screen)
        view.move_caret(at("proche »")[0])  # onto the last word of the other claim
        await pilot.pause()
        assert screen.model.spans[screen.current]["label"] == "CLAIM"  # that one is selected...
        assert "→ claim: la trêve tiendra" in status_text(screen)  # ...but links still go here
        view.move_caret(at("Une source diplomatique")[0])
        await pilot.press("ctrl+shift+right", "ctrl+shift+right", "ctrl+shift+right", "S")
        await pilot.pause()
    assert ("la trêve tiendra", "Une source diplomatique", "SAID_BY") in links(db_path)
    assert not any(child == "Une source diplomatique" and claim != "la trêve tiendra"
                   for claim, child, _ in links(db_path))


# -- 2. What is drawn selected is what is taken --------------------------------------------------


async def test_the_selection_drawn_inside_an_entity_is_exactly_what_a_label_key_takes(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("e")  # "Jean Dupont" selected: drawn reversed whole
        await pilot.pause()
        assert reversed_text(view, *at("a déclaré Jean Dupont à")) == "ean Dupont"  # the caret is on J
        await pilot.press("ctrl+shift+right")  # "Jean" only
        await pilot.pause()
        assert reversed_text(view, *at("a déclaré Jean Dupont à")) == "Jean"
        await pilot.press("7")
        await pilot.pause()
    assert rows(db_path)["Jean"][0] == "SOURCE"


# -- 3. n after an edit ---------------------------------------------------------------------------


async def test_after_an_edit_next_goes_on_from_the_item_edited(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n", "x")  # the first claim rejected (on to the second)
        await pilot.press("ctrl+home")  # the caret goes back up, above the rejected claim
        line, cell = view.offset_to_position(at("Jean Dupont")[0] + 1)
        await pilot.click(ArticleView, offset=(view._margin + cell, line - int(view.scroll_offset.y)))
        await pilot.press("l")  # grow the source by a word: "Jean Dupont à"
        await pilot.press("n", "a")  # the next claim after the source, not the rejected one
        await pilot.pause()
    assert rows(db_path)["« La paix est proche »"][1] == "rejected"
    assert rows(db_path)["la trêve tiendra"][1] == "accepted"
    assert "Jean Dupont à" in rows(db_path)


# -- 4. A layer filled by an import is not seeded on top ----------------------------------------


async def test_opening_a_layer_filled_by_an_import_does_not_seed_the_suggestions_on_top(
        db_path, db, tmp_path, run_glose):
    build(db)
    gold = tmp_path / "gold.jsonl"
    start, end = at("la trêve tiendra")
    gold.write_text(json.dumps({"text": TEXT, "spans": [{"start": start, "end": end, "label": "CLAIM"}]},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    assert run_glose("import", str(gold), "--layer", "gold", "--no-nlp", db=db_path).returncode == 0
    doc = db.execute("SELECT id FROM documents WHERE text_hash = (SELECT text_hash FROM documents"
                     " ORDER BY id LIMIT 1)").fetchone()[0]
    async with app_for(db_path, doc, "gold").run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        assert len(screen.model.claims) == 1
    assert set(rows(db_path, "gold")) == {"la trêve tiendra"}


# -- 5. Help ---------------------------------------------------------------------------------------


async def test_help_shows_the_annotators_actions_first_at_80x24_and_scrolls_to_the_rest(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        shown = screen_text(terminal_output(pilot.app))
        for visible in ("Decide", "accept / reject the selected item", "Spans"):
            assert visible in shown
        assert "back to the documents" not in shown  # below the fold...
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert "back to the documents" in screen_text(terminal_output(pilot.app))  # ...and reachable
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen)


def test_every_key_of_the_screens_is_in_their_help_and_the_readme_agrees():
    for screen in documented_screens():
        listed = {i for _, rows in screen.KEY_GROUPS for row in rows for i in row.ids}
        bound = {b.id for b in screen.BINDINGS if b.id}
        assert bound - listed <= {"label_per", "label_org", "label_loc", "label_misc", "label_claim",
                                  "label_cue", "label_source", *(f"take_{n}" for n in range(1, 10))}, screen
        # (the "1 … 7" and "1 … 9" rows)
        assert resolve(screen)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == fill_readme(readme, documented_screens()), \
        "README key tables differ from the help: run python -m glose.tui.help README.md"
    assert "`y` | cycle" not in readme


# -- 7. Place and search ---------------------------------------------------------------------------


async def test_reopening_puts_the_caret_where_the_annotator_left(db_path, db):
    filler = "Phrase sans intérêt aucun pour personne. " * 300
    text = filler + "Le porte-parole de l'ONU, à Genève, a parlé. " + filler
    doc = add_doc(db, text, "Long")
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("slash", *"geneve", "enter")  # accents optional
        await pilot.pause()
        view = screen.query_one(ArticleView)
        assert view.selection == (text.index("Genève"), text.index("Genève") + 6)
        await pilot.press("backspace")  # back to the documents: the place is kept
        await pilot.pause()
        assert isinstance(pilot.app.screen, DocumentListScreen)
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:  # a restart
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        assert view.caret == text.index("Genève") + 6
        top, bottom = view.visible_range()
        assert top <= view.caret <= bottom
    assert documents.reading_position(db, doc, "alice") == text.index("Genève") + 6


async def test_search_repeats_both_ways_and_says_when_nothing_matches(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("slash", *"LA", "enter")
        await pilot.pause()
        first = view.selection
        assert TEXT[slice(*first)].lower() == "la"
        await pilot.press("right_square_bracket")
        second = view.selection
        assert second[0] > first[0] and TEXT[slice(*second)].lower() == "la"
        await pilot.press("left_square_bracket")
        assert view.selection == first
        await pilot.press("5")  # the match is selected text: it can become a claim at once
        await pilot.pause()
        await pilot.press("slash", "ctrl+u", *"zzz", "enter")
        await pilot.pause()
        assert [n.message for n in pilot.app._notifications][-1] == "Not in this article: zzz"


async def test_selecting_a_claim_scrolls_its_cue_and_source_into_view(db_path, db):
    filler = "Phrase sans intérêt aucun pour personne. " * 200
    source_text = "Le ministre Paul Martin a déclaré jeudi, devant la presse réunie à Paris, que "
    claim_text = "la situation était sous contrôle"
    text = filler + "\n" + source_text + claim_text + ".\n" + filler
    claim, source = text.index(claim_text), text.index("Paul Martin")
    cue = text.index("a déclaré")
    doc = add_doc(db, text, "Long", [
        {"start": claim, "end": claim + len(claim_text), "label": "CLAIM"},
        {"start": source, "end": source + 11, "label": "PER"},
        {"start": cue, "end": cue + 9, "label": "CUE"},
    ], [{"head": 0, "child": 1, "label": "SAID_BY"}, {"head": 0, "child": 2, "label": "CUE"}])
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("ctrl+end", "n")  # from below: a minimal scroll would show the claim only
        await pilot.pause()
        top, bottom = view.visible_range()
        assert top <= source and claim + len(claim_text) <= bottom


# -- 8. Escape only clears -------------------------------------------------------------------------


async def test_escape_never_leaves_the_article_and_backspace_does_and_is_in_the_footer(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("n", "shift+right", "escape", "escape", "escape", "escape")
        await pilot.pause()
        assert pilot.app.screen is screen and screen.current is None
        assert screen.claim is not None  # the claim stays the one links attach to
        assert "Documents" in screen_text(terminal_output(pilot.app))  # the footer shows the way out
        await pilot.press("backspace")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DocumentListScreen)


# -- 9. Which link to remove -------------------------------------------------------------------------


async def test_remove_lists_each_link_with_its_mention_paragraph_and_canonical_name(db_path, db):
    text = "Stéphane Dujarric est arrivé.\n\n« Rien ne va », a-t-il dit. Rien, a répété Dujarric."
    claim, il, name = text.index("« Rien ne va »"), text.index("-il"), text.index("Dujarric", 10)
    doc = add_doc(db, text, "t", [
        {"start": claim, "end": claim + 14, "label": "CLAIM"},
        {"start": il, "end": il + 3, "label": "SOURCE"},
        {"start": name, "end": name + 8, "label": "PER"},
    ], [{"head": 0, "child": 1, "label": "SAID_BY"}, {"head": 0, "child": 2, "label": "SAID_BY"}])
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("e", "g", "ctrl+u", *"Stéphane Dujarric", "enter")  # -il is that person
        await pilot.press("n", "r")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, ChoiceModal)
        assert [label for _, label, _ in modal.choices] == [
            "-il (= Stéphane Dujarric) · SOURCE · paragraph 2",
            "Dujarric · PER · paragraph 2",
        ]
        await pilot.press("1")
        await pilot.pause()
        assert screen.model.frame(screen.claim).sources[0]["label"] == "PER"


# -- 10. Done says what is pending ----------------------------------------------------------------


async def test_done_with_pending_items_says_how_many_of_each_and_asks(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        assert "2 claims · 3 entities pending" in status_text(screen)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChoiceModal)
        assert pilot.app.screen.title_text.startswith("2 claim(s) and 3 entities are still pending")
        await pilot.press("n")  # no: still in progress
        await pilot.pause()
    status = sqlite3.connect(db_path).execute("SELECT status FROM doc_status").fetchone()[0]
    assert status == "in_progress"


# -- 11. Accepting moves on -------------------------------------------------------------------------


async def test_accepting_or_rejecting_a_claim_goes_to_the_next_pending_claim(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("n", "a")
        await pilot.pause()
        assert screen.claim == screen.current == screen.model.claims[1]["id"]
        await pilot.press("x")
        await pilot.pause()
    assert rows(db_path)["« La paix est proche »"][1] == "accepted"
    assert rows(db_path)["la trêve tiendra"][1] == "rejected"


async def test_staying_on_the_claim_is_a_setting(db_path, db):
    doc = build(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc, advance=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, app)
        await pilot.press("n", "a")
        await pilot.pause()
        assert screen.current == screen.model.claims[0]["id"]


# -- 12. Smaller ----------------------------------------------------------------------------------------


async def test_notifications_cover_neither_the_status_line_nor_the_claims_list_at_80x24(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("n", "a")  # "accepted frame"
        await pilot.pause()
        toasts = list(pilot.app.screen.query("Toast"))
        assert toasts
        kept_clear = [screen.query_one(StatusLine).region, screen.query_one(ClaimsPanel).region,
                      screen.query_one("Footer").region]
        for toast in toasts:
            assert not any(toast.region.overlaps(region) for region in kept_clear), toast.region


async def test_the_document_list_widens_its_title_column_when_the_terminal_grows(db_path, db):
    build(db)
    async with GloseApp(db_path, annotator="alice").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = pilot.app.screen.query_one("DocumentTable")
        narrow = table.title_width
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert table.title_width > narrow + 60
        assert len(table.render_line(1).text.rstrip()) > 120  # laid out again, not only the number changed


async def test_the_palette_offers_one_quit(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        titles = [command.title for command in pilot.app.get_system_commands(screen)]
        assert titles.count("Quit") == 1 and "Accept" in titles


def test_a_layer_can_be_listed_and_removed_after_confirmation(db, db_path, run_glose):
    from glose.db.edits import Editor

    doc = build(db)
    Editor(db, "opened-by-mistake", doc).seed()
    listed = run_glose("layers", db=db_path)
    assert listed.returncode == 0 and "opened-by-mistake" in listed.stdout
    refused = run_glose("layers", "rm", "opened-by-mistake", db=db_path, input="n\n")
    assert "add --yes" in refused.stderr and refused.returncode == 2  # no terminal: never silently
    assert "opened-by-mistake" in run_glose("layers", db=db_path).stdout
    removed = run_glose("layers", "rm", "opened-by-mistake", "--yes", db=db_path)
    assert removed.returncode == 0 and "removed layer" in removed.stderr
    conn = sqlite3.connect(db_path)
    assert not conn.execute("SELECT 1 FROM layers WHERE name = 'opened-by-mistake'").fetchall()
    assert conn.execute("SELECT count(*) FROM events WHERE action = 'remove_layer'").fetchone()[0] == 1
    assert run_glose("layers", "rm", "nobody", "--yes", db=db_path).returncode == 2


def test_paragraphs_are_counted_without_blank_lines(db):
    from glose.session import AnnotationSession

    text = "Un.\n\nDeux.\n\n\nTrois."
    session = AnnotationSession(db, "alice", add_doc(db, text, "t"))
    assert session.model.paragraph_of(text.index("Trois")) == 3


# -- 13 and 14. Boundaries and decisions in fewer keys ---------------------------------------------


async def test_braces_cut_the_selected_span_at_the_caret(db_path, db):
    doc = build(db)
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "ctrl+right", "ctrl+right", "ctrl+right", "right_curly_bracket")
        await pilot.pause()
    assert "« La paix est" in rows(db_path)


async def test_b_accepts_the_paragraphs_entities_and_B_the_documents_after_asking(db_path, db):
    text = "Jean Dupont est à Genève.\n\nPaul Martin est à Lyon avec l'ONU."
    names = ("Jean Dupont", "Genève", "Paul Martin", "Lyon", "ONU")
    doc = add_doc(db, text, "t", [{"start": text.index(n), "end": text.index(n) + len(n), "label": "PER"}
                                  for n in names])
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("b")  # the caret is in the first paragraph
        await pilot.pause()
        states = {n: s for n, (_, s, _, _) in _rows(db_path, text).items()}
        assert states == {"Jean Dupont": "accepted", "Genève": "accepted", "Paul Martin": "pending",
                          "Lyon": "pending", "ONU": "pending"}
        await pilot.press("B")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChoiceModal)
        await pilot.press("y")
        await pilot.press("u")  # one action: one undo takes all three back
        await pilot.pause()
        assert {s for _, s, _, _ in _rows(db_path, text).values()} == {"accepted", "pending"}
        await pilot.press("ctrl+r")
        await pilot.pause()
    assert {s for _, s, _, _ in _rows(db_path, text).values()} == {"accepted"}


def _rows(db_path, text: str) -> dict:
    conn = sqlite3.connect(db_path)
    return {text[s:e]: (label, state, None, None) for s, e, label, state in conn.execute(
        "SELECT s.start, s.end, s.label, s.state FROM spans s JOIN layers l ON l.id = s.layer_id"
        " WHERE l.name = 'alice'")}

