"""The document list's queries (glose.db.listing) on real SQLite files: every view and
search read a page at a time, counted in SQL, the same as the rules in Python say."""
from __future__ import annotations

import random
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glose.db import assignments, documents, layers, listing
from glose.db.listing import ListQuery
from glose.db.transaction import write
from glose.textnorm import text_hash
from glose.vocabulary import DOC_STATUSES, DONE, GOLD, IN_PROGRESS, TODO

PEOPLE = ("alice", "bob", "carol")
VIEWS = (None, *DOC_STATUSES, *assignments.VIEWS)
PLACES = ("Genève", "Alep", "Damas", "Paris", "Moscou")


def add_documents(db, count: int, *, complete: bool = True) -> list[int]:
    """``count`` short documents, each naming one of PLACES (the i-th: PLACES[i % 5])."""
    with write(db):
        first = db.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]
        ids = []
        for number in range(first, first + count):
            text = f"Dépêche {number} : la trêve tiendra à {PLACES[number % len(PLACES)]}, selon l'ONU."
            ids.append(documents.insert_document(db, text=text, text_hash=text_hash(text), title=f"Dépêche {number}",
                                                 meta={"date": "2016-12-13"}, origin=None, n_words=len(text.split()),
                                                 complete=complete))
    return ids


def team_at_work(db, doc_ids: list[int], seed: int) -> None:
    """Assignments, statuses of three annotators and of gold, at random."""
    rng = random.Random(seed)
    with write(db):
        who = {name: layers.annotator_id(db, name) for name in (*PEOPLE, GOLD)}
        for doc in doc_ids:
            for name in PEOPLE:
                if rng.random() < 0.3:
                    db.execute("INSERT INTO assignments (doc_id, annotator_id) VALUES (?, ?)", [doc, who[name]])
                if rng.random() < 0.4:
                    db.execute("INSERT INTO doc_status (doc_id, annotator_id, status) VALUES (?, ?, ?)",
                               [doc, who[name], rng.choice([TODO, IN_PROGRESS, DONE, DONE])])
            if rng.random() < 0.1:
                db.execute("INSERT INTO doc_status (doc_id, annotator_id, status) VALUES (?, ?, ?)",
                           [doc, who[GOLD], rng.choice([IN_PROGRESS, DONE])])


def expected_ids(db, query: ListQuery) -> list[int]:
    """The list as the rules say, computed in Python over every document."""
    progress = assignments.progress(db)
    statuses = dict(db.execute("SELECT s.doc_id, s.status FROM doc_status s JOIN annotators a"
                               " ON a.id = s.annotator_id WHERE a.name = ?", [query.annotator]).fetchall())
    ids = documents.search(db, query.search)
    if query.view in DOC_STATUSES:
        return [doc for doc in ids if statuses.get(doc, TODO) == query.view]
    if query.view:
        return [doc for doc in ids if assignments.in_view(query.view, progress[doc], query.annotator)]
    return ids


def read_all(db, query: ListQuery, block: int) -> list[int]:
    """The whole list, a block at a time, each read from the previous one's last id."""
    total = listing.count(db, query)
    ids: list[int] = []
    for start in range(0, total, block):
        page = listing.rows(db, query, start, min(total, start + block), total=total,
                            previous_id=ids[-1] if ids else None)
        ids += [row["id"] for row in page]
    return ids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_view_and_search_lists_and_counts_what_the_rules_say(db, seed):
    doc_ids = add_documents(db, 90)
    add_documents(db, 3, complete=False)  # still being imported: in no view
    team_at_work(db, doc_ids, seed)
    for annotator in (*PEOPLE, "dana"):  # dana has no status anywhere
        for view in VIEWS:
            for search in ("", "geneve", "ALEP tiendra", "dépêche 1", "nulle part"):
                query = ListQuery(annotator, view, search)
                expected = expected_ids(db, query)
                assert listing.count(db, query) == len(expected), query
                assert read_all(db, query, block=7) == expected, query


def test_a_page_is_the_same_read_from_either_neighbour_from_the_end_or_by_position(db):
    doc_ids = add_documents(db, 200)
    team_at_work(db, doc_ids, seed=4)
    for query in (ListQuery("alice"), ListQuery("alice", TODO), ListQuery("alice", None, "alep"),
                  ListQuery("bob", assignments.NEEDS_SECOND, "tiendra")):
        everything = expected_ids(db, query)
        total = len(everything)
        for start, stop in ((0, 10), (13, 29), (total - 10, total), (total // 2, total // 2 + 5)):
            wanted = everything[start:stop]
            before = everything[start - 1] if start else None
            after = everything[stop] if stop < total else None
            assert [r["id"] for r in listing.rows(db, query, start, stop, total=total)] == wanted, (query, start)
            assert [r["id"] for r in listing.rows(db, query, start, stop, total=total, previous_id=before)] == wanted
            if after is not None:
                assert [r["id"] for r in listing.rows(db, query, start, stop, total=total, next_id=after)] == wanted


def test_rows_hold_title_date_words_claims_and_my_status(db):
    from glose.db.edits import Editor
    from tests.tui_data import build

    doc = build(db)
    Editor(db, "alice", doc).seed()  # alice's layer: a copy of the two suggested claims; in progress
    rows = listing.rows(db, ListQuery("alice"), 0, 2, total=2)
    assert [(r["id"], r["date"], r["claims"], r["status"]) for r in rows] == [
        (doc, "2016-12", 2, IN_PROGRESS), (doc + 1, "2016-12", 0, TODO)]
    assert rows[1]["title"] == "Deuxième article" and rows[1]["n_words"] == 9
    assert listing.rows(db, ListQuery("bob"), 0, 1, total=2)[0]["status"] == TODO  # statuses are per annotator
    assert listing.done_and_total(db, "alice") == (0, 2)


def test_documents_still_being_imported_are_in_no_count_page_or_search(db):
    add_documents(db, 5)
    hidden = add_documents(db, 2, complete=False)
    assert listing.count(db, ListQuery("alice")) == 5 == documents.count_documents(db)
    assert listing.count(db, ListQuery("alice", None, "depeche")) == 5
    assert hidden[0] not in [r["id"] for r in listing.rows(db, ListQuery("alice", None, "depeche"), 0, 10, total=5)]
    assert not set(hidden) & set(documents.search(db, "depeche"))
    documents.mark_complete(db, hidden)
    assert listing.count(db, ListQuery("alice", None, "depeche")) == 7


def test_the_full_text_index_follows_every_insert_update_and_delete(db):
    (doc,) = add_documents(db, 1)
    assert documents.search(db, "geneve") == [doc]
    for title in ("Kyiv", "Odessa"):
        with write(db):
            db.execute("UPDATE documents SET title = ? WHERE id = ?", [title, doc])
    assert documents.search(db, "odessa") == [doc] and documents.search(db, "kyiv") == []
    (unfinished,) = add_documents(db, 1, complete=False)
    with write(db):
        while not documents.delete_unfinished(db, unfinished, step=10):
            pass
    db.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")  # raises if out of step
    assert documents.search(db, "alep") == []


WEIRD = ['"', '""', "'", "AND (", "OR", "NOT", "*", "a*", "^", "-", "+", ":", "NEAR(a b)", "title:alep",
         "(", ")", "{", "\\", "a AND", "\x00", "\u200b", "l'ONU", "aujourd'hui", "Ki-moon", "x" * 500, "ü" * 3,
         "e\u0301", "\U0001f600", "٣", "漢字", "a_b"]


@pytest.mark.parametrize("text", WEIRD)
def test_any_search_text_is_words_never_fts_syntax(db, text):
    add_documents(db, 10)
    for view in (None, TODO, DONE):
        query = ListQuery("alice", view, text)
        total = listing.count(db, query)
        assert len(listing.rows(db, query, 0, 10, total=total)) == min(total, 10)


def test_words_are_prefixes_accents_and_case_aside_and_all_are_needed(db):
    add_documents(db, 10)
    assert documents.search(db, "GENEV") == documents.search(db, "genève") == [1, 6]
    assert documents.search(db, "gen tiendra") == [1, 6]
    assert documents.search(db, "gen alep") == []
    assert documents.search(db, "l'ONU") == list(range(1, 11))  # l and onu: words as the index makes them
    assert documents.search(db, '"*') == list(range(1, 11))  # no word: every document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30))
def test_no_text_makes_the_full_text_query_fail(db, text):
    if not documents.count_documents(db):
        add_documents(db, 3)
    try:
        documents.search(db, text)
    except sqlite3.Error as exc:  # pragma: no cover - the failure hypothesis looks for
        raise AssertionError(f"{text!r} -> {documents.match_expression(text)!r}: {exc}") from exc
