"""Issue 10: two annotators, their agreement, and an adjudicated gold layer, all through
the real app (pilot) and the real CLI; every decision checked in SQLite."""
from __future__ import annotations

import json
import sqlite3

import krippendorff
import numpy as np
import pytest

from glose.tui.adjudication_screen import AdjudicationScreen
from glose.tui.app import GloseApp
from tests.tui_data import TEXT, at, build


async def annotate(db_path, doc: int, annotator: str, keys: list[str]) -> None:
    async with GloseApp(db_path, annotator=annotator, doc_id=doc).run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await pilot.pause()


def char_values(parts: list[tuple[str, str]]) -> list[int]:
    """A layer's frame value at each non-space character (none 0, SOURCE 1, CUE 2, CLAIM 3)."""
    codes = {"SOURCE": 1, "CUE": 2, "CLAIM": 3}
    values = [0] * len(TEXT)
    for part, label in parts:
        for offset in range(*at(part)):
            values[offset] = values[offset] or codes[label]
    return [v for v, char in zip(values, TEXT, strict=True) if not char.isspace()]


@pytest.mark.slow
async def test_two_annotators_agreement_and_adjudication_into_gold(db, db_path, run_glose):
    doc = build(db)  # this connection stays open through the CLI runs below (see test_wal_kept)
    await annotate(db_path, doc, "alice", ["n", "a", "a"])  # both frames accepted
    await annotate(db_path, doc, "bob", ["n", "a", "x"])  # the first accepted, the second rejected

    figures = json.loads(run_glose("agreement", "--layers", "alice,bob", "--json", db=db_path).stdout)
    alice = char_values([("« La paix est proche »", "CLAIM"), ("a déclaré", "CUE"),
                         ("la trêve tiendra", "CLAIM"), ("Selon", "CUE")])
    bob = char_values([("« La paix est proche »", "CLAIM"), ("a déclaré", "CUE")])
    independent = krippendorff.alpha(reliability_data=np.array([alice, bob]), level_of_measurement="nominal")
    assert figures["alpha"]["frames"]["overall"] == pytest.approx(independent)
    # CLAIM: alice 2, bob 1, one in common: P 1/2, R 1 -> F1 2/3; the same for (claim, source) pairs.
    assert figures["span_f1"]["exact"]["CLAIM"]["mean"] == pytest.approx(2 / 3)
    assert figures["pair_f1"]["mean"] == pytest.approx(2 / 3)
    assert figures["span_f1"]["exact"]["PER"]["mean"] == 1.0  # the entities are the same

    app = GloseApp(db_path, annotator="carol")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j")  # the first document: alice's and bob's layers
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AdjudicationScreen)
        items = screen.adjudication.items
        assert not items[0].agreed(["alice", "bob"]) and all(i.agreed(["alice", "bob"]) for i in items[1:])
        await pilot.press("n", "1")  # the disagreement: alice's frame
        await pilot.press("a")  # every agreed item
        await pilot.press("d")  # adjudicated
        await pilot.pause()
        assert all(item.decision == "accepted" for item in screen.adjudication.items)

    exported = run_glose("export", "--layer", "gold", db=db_path)
    record = json.loads(exported.stdout)
    spans = {(s["text"], s["label"]) for s in record["spans"]}
    assert spans == {("« La paix est proche »", "CLAIM"), ("a déclaré", "CUE"), ("Jean Dupont", "PER"),
                     ("Genève", "LOC"), ("la trêve tiendra", "CLAIM"), ("Selon", "CUE"), ("ONU", "ORG")}
    links = {(r["head_span"]["text"], r["label"], r["child_span"]["text"]) for r in record["relations"]}
    assert links == {("« La paix est proche »", "CUE", "a déclaré"), ("« La paix est proche »", "SAID_BY", "Jean Dupont"),
                     ("la trêve tiendra", "CUE", "Selon"), ("la trêve tiendra", "SAID_BY", "ONU")}
    conn = sqlite3.connect(db_path)
    origins = {TEXT[start:end]: json.loads(attrs)["from"] for start, end, attrs in conn.execute(
        "SELECT s.start, s.end, s.attrs FROM spans s JOIN layers l ON l.id = s.layer_id WHERE l.name = 'gold'")}
    assert origins["la trêve tiendra"] == ["alice"]
    assert origins["« La paix est proche »"] == ["alice", "bob"]
    decisions = conn.execute("SELECT count(DISTINCT grp) FROM events e JOIN layers l ON l.id = e.layer_id"
                             " WHERE l.name = 'gold' AND e.action = 'adjudicate'").fetchone()[0]
    assert decisions == 2  # one event group per decision: the disagreement, then the agreed items
    status = conn.execute("SELECT st.status FROM doc_status st JOIN annotators a ON a.id = st.annotator_id"
                          " WHERE a.name = 'gold'").fetchone()[0]
    assert status == "done"


async def test_a_decision_is_undone_with_u_and_neither_keeps_the_item_out(db, db_path):
    doc = build(db)
    await annotate(db_path, doc, "alice", ["n", "a", "a"])
    await annotate(db_path, doc, "bob", ["n", "a", "x"])
    app = GloseApp(db_path, annotator="carol")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "n", "0")  # neither: the disagreement stays out of gold
        await pilot.pause()
        screen = app.screen
        assert screen.adjudication.items[0].decision == "rejected"
        await pilot.press("u")
        await pilot.pause()
        assert screen.adjudication.items[0].decision is None
        await pilot.press("d")  # refused: items are undecided
        await pilot.pause()
        assert [n.message for n in app._notifications][-1].startswith("5 item(s) are still undecided")
    gold = sqlite3.connect(db_path).execute(
        "SELECT count(*) FROM spans s JOIN layers l ON l.id = s.layer_id WHERE l.name = 'gold'").fetchone()[0]
    assert gold == 0


def test_assign_by_name_and_balanced_by_count(db, db_path, run_glose):
    from tests.tui_data import add_doc

    build(db)  # two documents
    add_doc(db, "Un troisième article.", "Trois")
    add_doc(db, "Un quatrième article.", "Quatre")
    done = run_glose("assign", "all", "--each", "2", "--to", "alice,bob,carol", db=db_path)
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(db_path)
    per_doc = dict(conn.execute("SELECT doc_id, count(*) FROM assignments GROUP BY doc_id"))
    per_person = dict(conn.execute("SELECT a.name, count(*) FROM assignments s JOIN annotators a"
                                   " ON a.id = s.annotator_id GROUP BY a.name"))
    assert set(per_doc.values()) == {2} and len(per_doc) == 4
    assert max(per_person.values()) - min(per_person.values()) <= 1  # 8 assignments over 3: 3, 3, 2
    again = run_glose("assign", "all", "--each", "2", "--to", "alice,bob,carol", db=db_path)
    assert again.returncode == 0 and conn.execute("SELECT count(*) FROM assignments").fetchone()[0] == 8
    assert run_glose("assign", "1", "--to", "dana", db=db_path).returncode == 0
    refused = run_glose("assign", "99", "--to", "dana", db=db_path)
    assert refused.returncode == 2 and "no document 99" in refused.stderr


@pytest.mark.slow
async def test_the_document_list_shows_what_is_mine_ready_and_adjudicated(db, db_path, run_glose):
    from glose.tui.document_list import DocumentListScreen

    doc = build(db)
    db.close()
    assert run_glose("assign", str(doc), "--to", "alice,bob", db=db_path).returncode == 0
    await annotate(db_path, doc, "alice", ["n", "a", "a", "d", "y"])
    await annotate(db_path, doc, "bob", ["n", "a", "x", "d", "y"])

    async def shown(annotator: str, view: str) -> list[int]:
        app = GloseApp(db_path, annotator=annotator)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DocumentListScreen)
            while screen.status_filter != view:
                await pilot.press("f")
            await pilot.pause()
            table = screen.query_one("DocumentTable")
            return [table.row_at(i).id for i in range(table.row_count)]

    assert await shown("alice", "mine") == [doc]
    assert await shown("carol", "mine") == []
    assert await shown("carol", "ready to adjudicate") == [doc]
    assert doc + 1 in await shown("carol", "needs a second annotator")
    app = GloseApp(db_path, annotator="carol")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "n", "1", "a", "d")
        await pilot.pause()
    assert await shown("carol", "adjudicated") == [doc]
    assert await shown("carol", "ready to adjudicate") == []
    stats = run_glose("stats", db=db_path).stdout
    assert "adjudication: 1 of 2 document(s) adjudicated into gold, 0 ready to adjudicate" in stats


async def test_e_opens_gold_for_an_edit_and_the_annotator_agrees_with_gold(db, db_path, run_glose):
    from glose.tui.article_screen import ArticleScreen

    doc = build(db)
    db.close()
    await annotate(db_path, doc, "alice", ["n", "a", "a"])
    await annotate(db_path, doc, "bob", ["n", "a", "x"])
    app = GloseApp(db_path, annotator="carol")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("j", "n", "1", "a", "e")  # decide, then edit gold in the article
        await pilot.pause()
        article = app.screen
        assert isinstance(article, ArticleScreen) and article.edited_layer == "gold"
        assert len(article.model.spans) == 7  # what was taken, no suggestions seeded on top
        await pilot.press("n", "n", "X", "backspace")  # reject the second claim (only) in gold
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AdjudicationScreen)
        decisions = {screen.adjudication.text[i.first.span["start"]:i.first.span["end"]]: i.decision
                     for i in screen.adjudication.items}
        assert decisions["la trêve tiendra"] == "rejected" and decisions["« La paix est proche »"] == "accepted"
    figures = json.loads(run_glose("agreement", "--layers", "bob,gold", "--json", db=db_path).stdout)
    assert figures["span_f1"]["exact"]["CLAIM"]["mean"] == 1.0  # bob and gold: the first claim only


@pytest.mark.slow
async def test_a_sample_article_from_two_annotators_to_a_gold_export(db, db_path, nlp, run_glose):
    """The short sample, with the real suggestions: alice accepts every frame, bob rejects
    two claims and one entity; their agreement is checked against the krippendorff package
    over the characters read straight from SQLite; adjudication by keys gives gold."""
    from glose import importer
    from tests.conftest import SAMPLES

    importer.import_paths(db, [SAMPLES / "alep-ban-ki-moon-atrocites.txt"], nlp=nlp)
    doc, text = db.execute("SELECT id, text FROM documents").fetchone()
    claims = db.execute("SELECT count(*) FROM spans WHERE label = 'CLAIM'").fetchone()[0]
    await annotate(db_path, doc, "alice", ["n", *["a"] * claims, "B", "y", "d", "y"])
    await annotate(db_path, doc, "bob", ["n", "x", "x", *["a"] * (claims - 2), "e", "x", "d", "y"])

    conn = sqlite3.connect(db_path)

    def values(layer: str) -> list[int]:
        codes = {"SOURCE": 1, "CUE": 2, "CLAIM": 3}
        chars = [0] * len(text)
        for start, end, label in conn.execute(
                "SELECT s.start, s.end, s.label FROM spans s JOIN layers l ON l.id = s.layer_id"
                " WHERE l.name = ? AND s.state != 'rejected' AND s.label IN ('SOURCE', 'CUE', 'CLAIM')", [layer]):
            for offset in range(start, end):
                if chars[offset] == 0 or codes[label] < chars[offset]:
                    chars[offset] = codes[label]
        return [v for v, char in zip(chars, text, strict=True) if not char.isspace()]

    figures = json.loads(run_glose("agreement", "--layers", "alice,bob", "--only-done", "--json", db=db_path).stdout)
    independent = krippendorff.alpha(reliability_data=np.array([values("alice"), values("bob")]),
                                     level_of_measurement="nominal")
    assert figures["alpha"]["frames"]["overall"] == pytest.approx(independent)
    assert figures["span_f1"]["exact"]["CLAIM"]["mean"] == pytest.approx(2 * (claims - 2) / (2 * claims - 2))

    app = GloseApp(db_path, annotator="carol")
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("j")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AdjudicationScreen)
        disagreements = sum(not i.agreed(["alice", "bob"]) for i in screen.adjudication.items)
        assert disagreements >= 3  # two claims and an entity at least
        await pilot.press("a")  # everything agreed
        for _ in range(disagreements):
            await pilot.press("n", "1")  # alice's version of each disagreement
        await pilot.press("d")
        await pilot.pause()
        assert all(item.decision for item in screen.adjudication.items)
    record = json.loads(run_glose("export", "--layer", "gold", db=db_path).stdout)
    alice = json.loads(run_glose("export", "--layer", "alice", db=db_path).stdout)
    kept = {"CLAIM", "CUE", "PER", "ORG", "LOC", "MISC"}  # a claim's SOURCE mentions come with it
    assert {(s["start"], s["end"], s["label"]) for s in record["spans"] if s["label"] in kept} == \
        {(s["start"], s["end"], s["label"]) for s in alice["spans"] if s["label"] in kept}
    assert conn.execute("SELECT count(DISTINCT grp) FROM events e JOIN layers l ON l.id = e.layer_id"
                        " WHERE l.name = 'gold' AND e.action = 'adjudicate'").fetchone()[0] == disagreements + 1


async def test_two_adjudicators_at_once_each_undo_only_their_own_decisions(db, db_path):
    """Two adjudicators on one document, each with a connection of their own (as two
    processes): a decision of one is never taken back by the other's undo."""
    from glose.adjudication import Adjudication
    from glose.db.connection import open_db

    doc = build(db)
    await annotate(db_path, doc, "alice", ["n", "a", "a"])
    await annotate(db_path, doc, "bob", ["n", "a", "x"])
    carol = Adjudication(open_db(db_path), doc, ["alice", "bob"], "carol")
    dave = Adjudication(open_db(db_path), doc, ["alice", "bob"], "dave")
    carol.take([carol.items[0]], ["alice"])  # the disagreement (its source, ONU, comes with it)
    dave.reload()
    undecided = dave.agreed_undecided()
    dave.take(undecided)  # the agreed items left: the newest decision in the file
    assert carol.undo() == "adjudicate"  # carol takes back hers, not dave's newer one
    first = next(i for i in carol.items if "la trêve" in carol.text[i.first.span["start"]:i.first.span["end"]])
    assert first.decision is None
    assert all(item.decision == "accepted" for item in carol.items if item.first.span["id"] in
               {u.first.span["id"] for u in undecided})
    assert dave.undo() == "adjudicate" and dave.undo() is None and carol.undo() is None
    carol.reload()
    assert all(item.decision is None for item in carol.items)
    carol.take(carol.items)
    carol.finish()
    status = sqlite3.connect(db_path).execute(
        "SELECT a.name, st.status FROM doc_status st JOIN annotators a ON a.id = st.annotator_id"
        " WHERE a.name IN ('gold', 'carol')").fetchall()
    assert status == [("gold", "done")]  # the document is adjudicated; carol's own status is untouched


async def test_a_new_decision_replaces_the_last_one_and_undo_brings_it_back(db, db_path):
    from glose.adjudication import Adjudication

    doc = build(db)
    await annotate(db_path, doc, "alice", ["n", "a"])  # the first claim, direct
    await annotate(db_path, doc, "bob", ["n", "t", "a"])  # the same claim, made indirect
    adjudication = Adjudication(db, doc, ["alice", "bob"], "carol")
    peace = next(i for i in adjudication.items if i.kind == "claim" and len(i.versions) == 2)

    def gold_claims():
        return [(state, json.loads(attrs)) for state, attrs in db.execute(
            "SELECT s.state, s.attrs FROM spans s JOIN layers l ON l.id = s.layer_id"
            " WHERE l.name = 'gold' AND s.label = 'CLAIM' AND s.start = ?", [peace.first.span["start"]])]

    adjudication.take([peace], ["alice"])
    assert gold_claims() == [("accepted", {"quote_type": "direct", "from": ["alice"]})]
    peace = next(i for i in adjudication.items if i.kind == "claim" and len(i.versions) == 2)
    adjudication.take([peace], ["bob"])  # changed my mind
    assert gold_claims() == [("accepted", {"quote_type": "indirect", "from": ["bob"]})]
    links = db.execute("SELECT r.label, r.state FROM relations r JOIN layers l ON l.id = r.layer_id"
                       " WHERE l.name = 'gold' AND r.state = 'accepted'").fetchall()
    assert sorted(links) == [("CUE", "accepted"), ("SAID_BY", "accepted")]  # not two of each
    adjudication.neither(next(i for i in adjudication.items if i.kind == "claim" and len(i.versions) == 2))
    assert [state for state, _ in gold_claims()] == ["rejected"]
    assert adjudication.undo() == "adjudicate_none" and adjudication.undo() == "adjudicate"
    assert gold_claims() == [("accepted", {"quote_type": "direct", "from": ["alice"]})]
