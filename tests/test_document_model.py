"""DocumentModel.refresh: after any edit (undo and redo too), the model re-read row by
row from the event log answers exactly as a model loaded afresh."""
from __future__ import annotations

from glose.db import documents
from glose.db.edits import Editor
from glose.document_model import DocumentModel
from tests.tui_data import TEXT, at, build


def snapshot(model: DocumentModel) -> dict:
    """Everything the screen asks the model, in a comparable form."""
    def frame(claim_id):
        f = model.frame(claim_id)
        return (f.claim, f.cue, f.cue_relation, f.sources, f.source_relations)

    return {
        "spans": model.spans, "relations": model.relations,
        "claims": model.claims, "entities": model.entities, "pending": model.pending,
        "frames": {c["id"]: frame(c["id"]) for c in model.claims},
        "claims_of": {i: model.claims_of(i) for i in model.spans},
        "relations_to": {i: model.relations_to(i) for i in model.spans},
        "related": {i: model.related(i) for i in model.spans},
        "rows": model.claim_rows(),
        "highlights": set(model.highlights()),
        "innermost": [model.innermost_at(offset) for offset in range(len(TEXT) + 1)],
        "candidates": {c["id"]: model.source_candidates(c["id"]) for c in model.claims},
    }


def span_id(model: DocumentModel, part: str, label: str) -> int:
    start, end = at(part)
    return next(s["id"] for s in model.spans.values() if (s["start"], s["end"], s["label"]) == (start, end, label))


def test_refresh_after_each_edit_equals_a_fresh_load(db):
    doc = build(db)
    editor = Editor(db, "alice", doc)
    editor.seed()
    text = documents.get_document(db, doc)["text"]
    model = DocumentModel(db, doc, editor.layer_id, text)
    claim = span_id(model, "« La paix est proche »", "CLAIM")
    other = span_id(model, "la trêve tiendra", "CLAIM")
    dupont, geneve, onu = (span_id(model, "Jean Dupont", "PER"), span_id(model, "Genève", "LOC"),
                           span_id(model, "ONU", "ORG"))
    cue_relation = model.frame(claim).cue_relation["id"]
    edits = [
        lambda: editor.set_states("accepted", [claim, dupont], [cue_relation]),
        lambda: editor.set_states("rejected", [onu], [r["id"] for r in model.relations_to(onu)]),
        lambda: editor.update_span(other, start=model.grow_start(model.spans[other])),
        lambda: editor.update_span(geneve, label="SOURCE"),
        lambda: editor.add_span(*at("Une source diplomatique"), "SOURCE", link_to=other),
        lambda: editor.add_span(*at("Une source"), "MISC"),  # same start: ties in reading order
        lambda: editor.add_span(*at("reste"), "CUE", link_to=other),
        lambda: editor.link(claim, geneve, "SAID_BY"),
        lambda: editor.set_canonical(dupont, "Jean Dupont (diplomate)"),
        lambda: editor.update_span(claim, attrs={"quote_type": "mixed", "checkworthy": True}),
        lambda: editor.delete_span(dupont),
        editor.undo, editor.undo, editor.redo,
        lambda: editor.unlink(model.frame(other).cue_relation["id"]),
        editor.undo, editor.undo, editor.undo,
    ]
    panel = model.claim_rows()  # what the claims panel shows, kept up to date as the screen does
    for number, edit in enumerate(edits):
        edit()
        changes = model.refresh()
        fresh = DocumentModel(db, doc, editor.layer_id, text)
        assert snapshot(model) == snapshot(fresh), f"edit {number}"
        assert changes.highlights or changes.removed or changes.claims or changes.claim_order
        if changes.claim_order and [row.id for row in panel] != [c["id"] for c in model.claims]:
            panel = model.claim_rows()
        else:
            updated = {row.id: row for row in model.claim_rows(changes.claims)}
            panel = [updated.get(row.id, row) for row in panel]
        assert panel == fresh.claim_rows(), f"edit {number}: the panel missed a changed claim"


def test_refresh_reports_only_what_changed(db):
    doc = build(db)
    editor = Editor(db, "alice", doc)
    editor.seed()
    model = DocumentModel(db, doc, editor.layer_id, documents.get_document(db, doc)["text"])
    geneve = span_id(model, "Genève", "LOC")
    editor.set_states("accepted", [geneve])
    changes = model.refresh()
    assert [h.id for h in changes.highlights] == [geneve] and changes.removed == []
    assert not changes.claims and not changes.claim_order  # Genève is no claim's cue or source
    editor.delete_span(geneve)
    changes = model.refresh()
    assert changes.highlights == [] and changes.removed == [geneve]
    assert model.refresh() == type(changes)([], [])  # nothing new in the log
