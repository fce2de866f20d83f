"""The annotator through Textual's pilot, pressing real keys; every test checks the database."""
from __future__ import annotations

import json
import sqlite3

import pytest

from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.tui.help import HelpScreen
from glose.tui.hint_mode import HintModeScreen
from glose.tui.modals import ChoiceModal, PromptModal
from glose.widgets.article_view import ArticleView
from glose.widgets.claims_panel import ClaimsPanel
from tests.tui_data import TEXT, at, build


@pytest.fixture
def doc(db):
    return build(db)


def _query(db_path, sql: str, annotator: str) -> list[tuple]:
    """Rows read afresh from the file, as another process would see them."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, [annotator]).fetchall()
    finally:
        conn.close()


def rows(db_path, annotator="alice"):
    """The annotator's spans as {text: (label, state, attrs, canonical)}."""
    return {TEXT[start:end]: (label, state, json.loads(attrs), canonical)
            for start, end, label, state, attrs, canonical in _query(
                db_path, "SELECT s.start, s.end, s.label, s.state, s.attrs, c.name FROM spans s"
                " JOIN layers l ON l.id = s.layer_id LEFT JOIN canonical_sources c ON c.id = s.canonical_id"
                " WHERE l.name = ?", annotator)}


def links(db_path, annotator="alice"):
    """The annotator's relations as {(claim text, child text, label): state}."""
    return {(TEXT[hs:he], TEXT[cs:ce], label): state
            for hs, he, cs, ce, label, state in _query(
                db_path, "SELECT h.start, h.end, c.start, c.end, r.label, r.state FROM relations r"
                " JOIN spans h ON h.id = r.head_id JOIN spans c ON c.id = r.child_id"
                " JOIN layers l ON l.id = r.layer_id WHERE l.name = ?", annotator)}


async def open_article(pilot, app):
    await pilot.pause()
    assert isinstance(app.screen, ArticleScreen)
    return app.screen


def app_for(db_path, doc, annotator="alice"):
    return GloseApp(db_path, annotator=annotator, doc_id=doc)


async def test_first_opening_seeds_the_layer_from_suggestions(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
    seeded = rows(db_path)
    assert len(seeded) == 7 and {state for _, state, _, _ in seeded.values()} == {"pending"}
    assert links(db_path)[("« La paix est proche »", "Jean Dupont", "SAID_BY")] == "pending"


async def test_accept_whole_frame_then_reject_part(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("n", "a")
        await pilot.pause()
        assert "saved" in str(screen.query_one("StatusLine").render())
    got = rows(db_path)
    for part in ("« La paix est proche »", "a déclaré", "Jean Dupont"):
        assert got[part][1] == "accepted", part
    assert got["Genève"][1] == "pending"  # not part of the frame
    assert set(links(db_path).values()) == {"accepted", "pending"}
    assert links(db_path)[("« La paix est proche »", "Jean Dupont", "SAID_BY")] == "accepted"

    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "n", "X")  # the second claim only, not its cue or source
        await pilot.pause()
    got = rows(db_path)
    assert got["la trêve tiendra"][1] == "rejected"
    assert got["Selon"][1] == "pending" and got["ONU"][1] == "pending"


async def test_reject_frame_and_accept_part(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "n", "x")
        await pilot.press("e", "A")  # next entity after the claim: ONU is before; wraps to Jean Dupont
        await pilot.pause()
    got = rows(db_path)
    assert got["la trêve tiendra"][1] == "rejected" and got["Selon"][1] == "rejected"
    assert got["ONU"][1] == "pending"  # a frame's rejection does not reject who was named
    assert links(db_path)[("la trêve tiendra", "ONU", "SAID_BY")] == "rejected"
    assert sum(1 for label, state, _, _ in got.values() if label in ("PER", "LOC", "ORG") and state == "accepted") == 1


async def test_relabel_and_new_span_from_keyboard_selection(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("e")  # Jean Dupont
        await pilot.press("e")  # Genève
        await pilot.press("2")  # relabel as ORG
        view.move_caret(at("Une source diplomatique")[0])
        await pilot.press("ctrl+shift+right", "ctrl+shift+right", "ctrl+shift+right")
        await pilot.pause()
        assert view.selection == at("Une source diplomatique")
        await pilot.press("1")
        await pilot.pause()
    got = rows(db_path)
    assert got["Genève"][:2] == ("ORG", "pending")
    assert got["Une source diplomatique"][:2] == ("PER", "accepted")


async def test_grow_and_shrink_span_edges_by_word(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "n")  # "la trêve tiendra"
        await pilot.press("h")  # grow start: "ONU, la trêve tiendra"
        await pilot.pause()
        assert "ONU, la trêve tiendra" in rows(db_path)
        await pilot.press("H", "L")  # shrink start back, shrink end: "la trêve"
        await pilot.pause()
        assert "la trêve" in rows(db_path)
        await pilot.press("l")
        await pilot.pause()
    assert rows(db_path)["la trêve tiendra"][0] == "CLAIM"


async def test_link_source_by_hint_and_by_name(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n", "n")  # claim 2, whose nearest mention outside it is ONU
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, HintModeScreen)
        assert view._hints  # badges drawn over the candidates
        # Outside the claim, nearest first: ONU (a), Genève (s), Jean Dupont (d).
        await pilot.press("d")
        await pilot.pause()
        assert not view._hints
        await pilot.press("s", "slash")
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptModal)
        await pilot.press(*"genè", "enter")
        await pilot.pause()
    linked = {child for (claim, child, label), state in links(db_path).items()
              if claim == "la trêve tiendra" and label == "SAID_BY"}
    assert linked == {"ONU", "Jean Dupont", "Genève"}


async def test_selection_to_source_cue_and_clear(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n", "n")
        view.move_caret(at("Une source diplomatique")[0])
        await pilot.press(*["ctrl+shift+right"] * 3, "S")
        await pilot.pause()
        view.move_caret(at("reste prudente")[0])
        await pilot.press("ctrl+shift+right", "c")
        await pilot.pause()
        got = links(db_path)
        assert got[("la trêve tiendra", "Une source diplomatique", "SAID_BY")] == "accepted"
        assert got[("la trêve tiendra", "reste", "CUE")] == "accepted"
        assert ("la trêve tiendra", "Selon", "CUE") not in got  # one cue per claim
        await pilot.press("n", "N")  # back onto the claim
        await pilot.press("C")
        await pilot.pause()
    assert not any(label == "CUE" and claim == "la trêve tiendra" for claim, _, label in links(db_path))
    assert rows(db_path)["Une source diplomatique"][0] == "SOURCE"


async def test_canonical_source_and_remove_link(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("e", "g")  # Jean Dupont
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptModal)
        await pilot.press("ctrl+u", *"Jean-Pierre Dupont", "enter")
        await pilot.pause()
        assert rows(db_path)["Jean Dupont"][3] == "Jean-Pierre Dupont"
        await pilot.press("N", "r")  # back to the claim Jean Dupont is the source of
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChoiceModal)
        await pilot.press("1")
        await pilot.pause()
    assert ("« La paix est proche »", "Jean Dupont", "SAID_BY") not in links(db_path)


async def test_attributes(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "t")  # direct -> indirect
        await pilot.press("y", "1")  # statistic
        await pilot.press("exclamation_mark")
        await pilot.press("m", *"à vérifier", "enter")
        await pilot.press("w", *"pas une url", "enter")  # refused: the dialog stays open
        await pilot.pause()
        assert isinstance(pilot.app.screen, PromptModal)
        await pilot.press("ctrl+u", *"https://example.org/x", "enter")
        await pilot.pause()
    attrs = rows(db_path)["« La paix est proche »"][2]
    assert attrs == {"quote_type": "indirect", "claim_type": "statistic", "checkworthy": True,
                     "note": "à vérifier", "evidence": "https://example.org/x"}


async def test_delete_undo_redo_across_restart_and_done(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("e", "delete")
        await pilot.pause()
        assert "Jean Dupont" not in rows(db_path)
        await pilot.press("d", "y")
        await pilot.pause()

    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:  # a restart
        screen = await open_article(pilot, pilot.app)
        await pilot.press("u")  # undoes "done"
        await pilot.press("u")  # undoes the deletion, relations included
        await pilot.pause()
        assert screen.model.span_text(screen.model.spans[screen.current]) == "Jean Dupont"  # shown
    assert rows(db_path)["Jean Dupont"][0] == "PER"
    assert links(db_path)[("« La paix est proche »", "Jean Dupont", "SAID_BY")] == "pending"

    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert "Jean Dupont" not in rows(db_path)
        await pilot.press("ctrl+r", "backspace")
        await pilot.pause()
        table = pilot.app.screen.query_one("DocumentTable")
        assert table.row_at(0).status == "done" and "✓ done" in table.render_line(1).text


async def test_claims_panel_navigation_and_back_to_text(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(120, 40)) as pilot:
        screen = await open_article(pilot, pilot.app)
        panel = screen.query_one(ClaimsPanel)
        await pilot.press("tab")
        assert panel.has_focus
        await pilot.press("down", "down", "enter")  # nothing highlighted yet: first, second
        await pilot.pause()
        assert screen.current == screen.model.claims[1]["id"]
        assert screen.query_one(ArticleView).has_focus
        await pilot.press("tab", "escape")
        assert screen.query_one(ArticleView).has_focus and isinstance(pilot.app.screen, ArticleScreen)
        await pilot.press("a")
        await pilot.pause()
    assert rows(db_path)["la trêve tiendra"][1] == "accepted"


async def test_narrow_terminal_moves_the_panel_below(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view, panel = screen.query_one(ArticleView), screen.query_one(ClaimsPanel)
        assert panel.region.y > view.region.y and panel.region.width == view.region.width
    async with app_for(db_path, doc).run_test(size=(150, 40)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view, panel = screen.query_one(ArticleView), screen.query_one(ClaimsPanel)
        assert panel.region.x > view.region.x


async def test_help_and_palette_list_the_screens_actions(db_path, doc):
    app = app_for(db_path, doc)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_article(pilot, app)
        commands = {command.title for command in app.get_system_commands(screen)}
        for title in ("Accept", "Reject", "Link source", "Undo", "Redo", "Canonical source",
                      "Quote type", "Evidence URL", "Document done", "Grow start by a word"):
            assert title in commands
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_two_annotators_at_once(db_path, doc):
    alice, bob = app_for(db_path, doc, "alice"), app_for(db_path, doc, "bob")
    async with alice.run_test(size=(100, 30)) as pa, bob.run_test(size=(100, 30)) as pb:
        await open_article(pa, alice)
        await open_article(pb, bob)
        await pa.press("n", "a")
        await pb.press("n", "x")
        await pa.pause()
        await pb.pause()
    assert rows(db_path, "alice")["« La paix est proche »"][1] == "accepted"
    assert rows(db_path, "bob")["« La paix est proche »"][1] == "rejected"


@pytest.mark.slow
async def test_a_whole_sample_article_by_keyboard(db, db_path, nlp):
    """The real suggestions of a sample: step through every claim, accept its frame, mark done."""
    from glose import importer
    from tests.conftest import SAMPLES

    importer.import_paths(db, [SAMPLES / "alep-ban-ki-moon-atrocites.txt"], nlp=nlp)
    (doc,) = [row[0] for row in db.execute("SELECT id FROM documents")]
    app = app_for(db_path, doc, "dana")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, app)
        claims = len(screen.model.claims)
        assert claims >= 5
        await pilot.press("n")
        for _ in range(claims):
            await pilot.press("a")  # accepting moves on to the next pending claim
        await pilot.press("d", "y")  # entities are still pending: done anyway
        await pilot.pause()
    conn = sqlite3.connect(db_path)
    states = conn.execute("SELECT s.state, (SELECT count(*) FROM relations r WHERE r.head_id = s.id"
                          " AND r.label = 'SAID_BY' AND r.state = 'accepted') FROM spans s"
                          " JOIN layers l ON l.id = s.layer_id WHERE l.name = 'dana' AND s.label = 'CLAIM'").fetchall()
    assert len(states) == claims and all(state == "accepted" and sources >= 1 for state, sources in states)
    assert conn.execute("SELECT status FROM doc_status").fetchone()[0] == "done"


async def test_mouse_click_selects_the_clicked_mention(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        line, cell = view.offset_to_position(at("Genève")[0] + 2)
        await pilot.click(ArticleView, offset=(view._margin + cell, line - int(view.scroll_offset.y)))
        await pilot.pause()
        assert screen.model.spans[screen.current]["label"] == "LOC"
        await pilot.press("a")
        await pilot.pause()
    assert rows(db_path)["Genève"][1] == "accepted"


def test_annotator_name_from_option_environment_or_login(monkeypatch):
    import getpass

    from glose.cli import build_parser
    from glose.settings import Settings

    assert Settings.from_environment({"GLOSE_ANNOTATOR": "zoé"}).annotator == "zoé"
    assert Settings.from_environment({}).annotator == getpass.getuser()
    assert build_parser().parse_args(["--annotator", "yann", "stats"]).annotator == "yann"


async def test_user_text_with_markup_in_messages_does_not_crash(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "m", *"a [/x] b", "enter")
        await pilot.press("e", "g", "ctrl+u", *"Foo [/b]", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen)
    assert rows(db_path)["« La paix est proche »"][2]["note"] == "a [/x] b"
    assert rows(db_path)["Jean Dupont"][3] == "Foo [/b]"


async def test_hints_only_on_screen_and_never_q(db_path, db):
    from tests.tui_data import add_doc

    filler = "Phrase sans intérêt. " * 400
    text = "« Tout ira bien », a dit Paul Martin. " + filler + "Jacques Durand est loin."
    start = text.index("« Tout")
    far = text.index("Jacques Durand")
    doc = add_doc(db, text, "Long", [
        {"start": start, "end": start + 16, "label": "CLAIM"},
        {"start": text.index("Paul Martin"), "end": text.index("Paul Martin") + 11, "label": "PER"},
        {"start": far, "end": far + 14, "label": "PER"},
    ])
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n", "s")
        await pilot.pause()
        shown = {screen.model.spans[i]["start"] for i in view._hints}
        assert shown == {text.index("Paul Martin")}  # Jacques Durand is off screen
        assert "q" not in view._hints.values()
        await pilot.press("q")  # not a hint: nothing is linked, still picking
        await pilot.pause()
        assert isinstance(pilot.app.screen, HintModeScreen)
        await pilot.press("escape")


async def test_nested_mention_in_a_cue_is_reachable_by_caret(db_path, db):
    from tests.tui_data import add_doc

    text = "« C'est fini », a-t-il déclaré hier."
    cue, il = text.index("a-t-il déclaré"), text.index("-il")
    doc = add_doc(db, text, "t", [
        {"start": 0, "end": 14, "label": "CLAIM"},
        {"start": cue, "end": cue + 14, "label": "CUE"},
        {"start": il, "end": il + 3, "label": "SOURCE"},
    ], [{"head": 0, "child": 1, "label": "CUE"}, {"head": 0, "child": 2, "label": "SAID_BY"}])
    async with app_for(db_path, doc).run_test(size=(80, 24)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        view.move_caret(cue)
        await pilot.press("right", "right", "right", "right")
        await pilot.pause()
        assert screen.model.spans[screen.current]["label"] == "CUE"  # the caret stays in what is selected
        await pilot.press("escape")  # nothing selected: the caret selects what is under it
        await pilot.press("right")
        await pilot.pause()
        assert screen.model.spans[screen.current]["label"] == "SOURCE"
        await pilot.press("e")  # `e` visits SOURCE mentions too
        await pilot.press("E")
        await pilot.pause()
        assert screen.model.spans[screen.current]["label"] == "SOURCE"


async def test_after_setting_a_cue_n_goes_to_the_next_claim(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n", "n")  # the second claim, whose cue "Selon" comes before it
        view.move_caret(at("Selon")[0])
        await pilot.press("ctrl+shift+right", "c")
        await pilot.pause()
        assert screen.current == screen.model.claims[1]["id"]
        await pilot.press("N")
        await pilot.pause()
        assert screen.current == screen.model.claims[0]["id"]


async def test_accepting_twice_records_nothing_the_second_time(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "a", "N")  # accepting moved on to the next claim: back
        await pilot.pause()
        count = sqlite3.connect(db_path).execute("SELECT count(*) FROM events").fetchone()[0]
        await pilot.press("a")
        await pilot.pause()
        assert sqlite3.connect(db_path).execute("SELECT count(*) FROM events").fetchone()[0] == count
        await pilot.press("u")  # undoes the real accept, not a no-op
        await pilot.pause()
    assert rows(db_path)["« La paix est proche »"][1] == "pending"


async def test_relabelling_a_claim_drops_its_links_and_a_replaced_cue_is_rejected(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("n")
        view.move_caret(at("a déclaré")[0] + 2)  # "déclaré" alone becomes the cue
        await pilot.press("ctrl+shift+right", "c")
        await pilot.pause()
        assert rows(db_path)["a déclaré"][1] == "rejected"  # the old cue, linked to nothing now
        await pilot.press("n", "4")  # the second claim becomes MISC
        await pilot.pause()
    assert not any(claim == "la trêve tiendra" for claim, _, _ in links(db_path))
    assert rows(db_path)["la trêve tiendra"][0] == "MISC"


async def test_done_updates_the_status_time_and_claim_commands_need_a_claim(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        first = sqlite3.connect(db_path).execute("SELECT updated_at FROM doc_status").fetchone()[0]
        await pilot.press("r")
        await pilot.pause()
        assert [n.message for n in pilot.app._notifications][-1].startswith("Select a claim first")
        await pilot.press("d")  # items are pending: it asks
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChoiceModal)
        await pilot.press("y")
        await pilot.pause()
    status, updated = sqlite3.connect(db_path).execute("SELECT status, updated_at FROM doc_status").fetchone()
    assert status == "done" and updated > first


async def test_edges_stop_on_guillemets_and_canonical_enter_takes_the_listed_name(db_path, doc):
    async with app_for(db_path, doc).run_test(size=(100, 30)) as pilot:
        await open_article(pilot, pilot.app)
        await pilot.press("n", "H")  # drop the opening guillemet only
        await pilot.pause()
        assert "La paix est proche »" in rows(db_path)
        await pilot.press("e", "g", "ctrl+u", *"Jean-Pierre Dupont", "enter")
        await pilot.press("e", "g", "ctrl+u", *"jean-p", "enter")  # Genève: the listed name
        await pilot.pause()
    assert rows(db_path)["Genève"][3] == "Jean-Pierre Dupont"
    conn = sqlite3.connect(db_path)
    assert [n for (n,) in conn.execute("SELECT name FROM canonical_sources")] == ["Jean-Pierre Dupont"]
