"""Canonical sources across documents: merge, split, rename, kind, external id, verdicts,
each one logged action that its author can undo, and mentions named by the live source."""
from __future__ import annotations

import pytest

from glose.db import documents, layers, sources, spans
from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.db.sources import SourceEditor
from glose.db.transaction import write
from glose.errors import EditRefused
from glose.vocabulary import ORG, PER, SOURCE, SUGGESTIONS

TEXTS = ["« La situation est grave », a déclaré Stéphane Dujarric.",
         "M. Dujarric a ajouté que l'ONU restait mobilisée.",
         "Selon Stepjane Dujarric, l'aide arrive."]


def mention_names(db) -> list[str | None]:
    """The name each PER mention of the suggestions is given, document by document."""
    layer = layers.find_layer(db, SUGGESTIONS)
    return [s["canonical"] for doc in range(1, len(TEXTS) + 1)
            for s in spans.spans_of(db, doc, layer) if s["label"] == PER]


@pytest.fixture
def corpus(db):
    """Three documents whose suggestions name the same man three ways."""
    names = ["Stéphane Dujarric", "M. Dujarric", "Stepjane Dujarric"]
    with write(db):
        layer = layers.layer_id(db, SUGGESTIONS)
        for number, (text, name) in enumerate(zip(TEXTS, names, strict=True)):
            doc = documents.insert_document(db, text=text, text_hash=f"h{number}", title=f"t{number}", meta={},
                                            origin=None)
            word = name.split()[-1]
            start = text.index(word)
            spans.add_annotations(db, doc, layer, [{"start": start, "end": start + len(word), "label": PER,
                                                    "canonical": name}])
    return db


def ids(db) -> dict[str, int]:
    return {name: row_id for row_id, name in db.execute("SELECT id, name FROM canonical_sources")}


def test_new_sources_take_their_kind_from_the_mention(corpus):
    assert {s.name: s.kind for s in sources.live_sources(corpus)} == {
        "M. Dujarric": "person", "Stepjane Dujarric": "person", "Stéphane Dujarric": "person"}


def test_merge_names_every_mention_by_the_kept_source_and_undo_takes_it_back(corpus):
    editor = SourceEditor(corpus, "alice")
    by_name = ids(corpus)
    editor.merge(by_name["Stéphane Dujarric"], by_name["Stepjane Dujarric"])
    editor.merge(by_name["Stéphane Dujarric"], by_name["M. Dujarric"])
    assert mention_names(corpus) == ["Stéphane Dujarric"] * 3
    (live,) = sources.live_sources(corpus)
    assert live.aliases == ("M. Dujarric", "Stepjane Dujarric")
    assert sources.find(corpus, "M. Dujarric") == live
    assert editor.undo() == "merge_sources"
    assert mention_names(corpus) == ["Stéphane Dujarric", "M. Dujarric", "Stéphane Dujarric"]
    assert editor.redo() == "merge_sources"
    assert mention_names(corpus) == ["Stéphane Dujarric"] * 3
    # The spans themselves never changed: no annotator's row is rewritten by a merge.
    assert {c for (c,) in corpus.execute("SELECT canonical_id FROM spans")} == set(by_name.values())


def test_merging_a_source_with_aliases_moves_them_too_never_a_chain(corpus):
    editor = SourceEditor(corpus, "alice")
    by_name = ids(corpus)
    editor.merge(by_name["M. Dujarric"], by_name["Stepjane Dujarric"])
    editor.merge(by_name["Stéphane Dujarric"], by_name["M. Dujarric"])
    assert set(corpus.execute("SELECT merged_into FROM canonical_sources WHERE merged_into IS NOT NULL")) == {
        (by_name["Stéphane Dujarric"],)}
    editor.undo()
    assert mention_names(corpus) == ["Stéphane Dujarric", "M. Dujarric", "M. Dujarric"]


def test_split_takes_an_alias_out_with_its_mentions(corpus):
    editor = SourceEditor(corpus, "alice")
    by_name = ids(corpus)
    editor.merge(by_name["Stéphane Dujarric"], by_name["Stepjane Dujarric"])
    editor.split(by_name["Stepjane Dujarric"])
    assert mention_names(corpus)[2] == "Stepjane Dujarric"
    with pytest.raises(EditRefused, match="no alias"):
        editor.split(by_name["Stepjane Dujarric"])
    editor.undo()
    assert mention_names(corpus)[2] == "Stéphane Dujarric"


def test_rename_keeps_the_old_name_as_an_alias_and_an_alias_name_swaps(corpus):
    editor = SourceEditor(corpus, "alice")
    by_name = ids(corpus)
    editor.rename(by_name["Stepjane Dujarric"], "Stéphane  Dujarric (ONU)")
    assert mention_names(corpus)[2] == "Stéphane Dujarric (ONU)"
    assert sources.find(corpus, "Stepjane Dujarric").name == "Stéphane Dujarric (ONU)"
    # A new mention named by the old name (an import, the suggestions) lands on the source.
    with write(corpus):
        assert sources.get(corpus, spans.canonical_id(corpus, "Stepjane Dujarric")).name == "Stéphane Dujarric (ONU)"
    editor.rename(by_name["Stepjane Dujarric"], "Stepjane Dujarric")  # back to the alias: they swap
    assert sources.get(corpus, by_name["Stepjane Dujarric"]).aliases == ("Stéphane Dujarric (ONU)",)
    with pytest.raises(EditRefused, match="merge the two"):
        editor.rename(by_name["Stepjane Dujarric"], "M. Dujarric")
    editor.undo()
    editor.undo()
    assert mention_names(corpus)[2] == "Stepjane Dujarric"
    assert sources.find(corpus, "Stéphane Dujarric (ONU)") is None


def test_kind_external_id_and_conflicting_ids_refuse_a_merge(corpus):
    editor = SourceEditor(corpus, "alice")
    by_name = ids(corpus)
    editor.set_external_id(by_name["Stéphane Dujarric"], " Q2356590 ")
    editor.set_external_id(by_name["M. Dujarric"], "Q1")
    editor.set_kind(by_name["M. Dujarric"], "organisation")
    with pytest.raises(EditRefused, match="a person, organisation, other"):
        editor.set_kind(by_name["M. Dujarric"], ORG)
    with pytest.raises(EditRefused, match="Q2356590"):
        editor.merge(by_name["Stéphane Dujarric"], by_name["M. Dujarric"])
    editor.merge(by_name["Stepjane Dujarric"], by_name["Stéphane Dujarric"])
    assert sources.get(corpus, by_name["Stepjane Dujarric"]).external_id == "Q2356590"
    editor.undo()
    assert sources.get(corpus, by_name["Stepjane Dujarric"]).external_id is None
    assert sources.get(corpus, by_name["M. Dujarric"]).kind == "organisation"


def test_not_the_same_is_remembered_and_undoable(corpus):
    editor = SourceEditor(corpus, "alice")
    by_name = ids(corpus)
    editor.not_the_same(by_name["M. Dujarric"], by_name["Stéphane Dujarric"])
    editor.not_the_same(by_name["Stéphane Dujarric"], by_name["M. Dujarric"])  # once is enough
    assert sources.distinct_pairs(corpus) == {tuple(sorted((by_name["M. Dujarric"], by_name["Stéphane Dujarric"])))}
    editor.undo()
    assert sources.distinct_pairs(corpus) == set()


def test_undo_is_the_authors_and_refused_when_someone_changed_the_rows_since(corpus, tmp_path):
    by_name = ids(corpus)
    alice = SourceEditor(corpus, "alice")
    alice.merge(by_name["Stéphane Dujarric"], by_name["Stepjane Dujarric"])
    bob = SourceEditor(open_db(tmp_path / "glose.db"), "bob")  # another process, same file
    assert bob.undo() is None  # not his to undo
    bob.split(by_name["Stepjane Dujarric"])
    bob.merge(by_name["M. Dujarric"], by_name["Stepjane Dujarric"])
    with pytest.raises(EditRefused, match="changed since"):
        alice.undo()
    assert mention_names(corpus)[2] == "M. Dujarric"  # bob's merge stands


def test_undoing_a_tie_that_made_a_source_keeps_it_while_an_alias_points_at_it(corpus):
    with write(corpus):
        doc = documents.insert_document(corpus, text="Il a parlé.", text_hash="h9", title="t9", meta={}, origin=None)
        layer = layers.layer_id(corpus, "alice", annotator="alice")
        (span,) = spans.add_annotations(corpus, doc, layer, [{"start": 0, "end": 2, "label": SOURCE}])
    annotator = Editor(corpus, "alice", doc)
    annotator.set_canonical(span, "Le porte-parole")
    SourceEditor(corpus, "bob").merge(ids(corpus)["Le porte-parole"], ids(corpus)["M. Dujarric"])
    annotator.set_canonical(span, None)
    annotator.undo()  # the tie comes back
    annotator.undo()  # the source it made stays: an alias points at it
    assert sources.find(corpus, "M. Dujarric").name == "Le porte-parole"
