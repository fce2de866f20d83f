"""The annotation rules, without an App: what each action does and what the next key acts on."""
from __future__ import annotations

import pytest

from glose.db import spans
from glose.session import AnnotationSession, Edit, Refusal
from glose.vocabulary import ACCEPTED, CLAIM, CUE, PENDING, REJECTED, SOURCE
from tests.tui_data import at, build


@pytest.fixture
def session(db):
    return AnnotationSession(db, "alice", build(db))


def apply(session: AnnotationSession, outcome) -> str | None:
    """Run an edit as the screen does: commit, refresh, then."""
    assert isinstance(outcome, Edit), outcome
    result = outcome.run()
    return outcome.then(result, session.refresh())


def span_at(session, part: str, label: str) -> dict:
    start, end = at(part)
    return next(s for s in session.model.spans.values()
                if (s["start"], s["end"], s["label"]) == (start, end, label))


def test_opening_seeds_the_layer_and_selects_nothing(session):
    assert len(session.model.claims) == 2 and session.current is None and session.claim is None
    assert {s["state"] for s in session.model.spans.values()} == {PENDING}


def test_a_selected_mention_of_one_claim_makes_it_the_claim(session):
    source = span_at(session, "Jean Dupont", "PER")
    session.select(source["id"])
    assert session.claim == span_at(session, "« La paix est proche »", CLAIM)["id"]
    session.select(span_at(session, "Genève", "LOC")["id"])  # nobody's source: the claim stays
    assert session.claim == span_at(session, "« La paix est proche »", CLAIM)["id"]


def test_the_caret_keeps_the_claim_at_its_start_and_reaches_what_is_nested(session):
    claim = span_at(session, "« La paix est proche »", CLAIM)
    session.select(claim["id"])
    assert session.at_caret(claim["start"]) is None
    assert session.at_caret(at("Jean Dupont")[0] + 2) == span_at(session, "Jean Dupont", "PER")["id"]


def test_next_and_previous_wrap_around(session):
    first, second = session.model.claims
    assert session.next_item("claim", 1, 0) == first["id"]
    assert session.next_item("claim", 1, first["start"]) == second["id"]
    assert session.next_item("claim", 1, second["start"]) == first["id"]
    assert session.next_item("claim", -1, first["start"]) == second["id"]


def test_accepting_a_frame_takes_its_cue_and_sources_along(session):
    claim = span_at(session, "« La paix est proche »", CLAIM)
    session.select(claim["id"])
    assert apply(session, session.set_state(ACCEPTED, True)) == "accepted frame"
    for part, label in (("« La paix est proche »", CLAIM), ("a déclaré", CUE), ("Jean Dupont", "PER")):
        assert span_at(session, part, label)["state"] == ACCEPTED
    assert span_at(session, "Genève", "LOC")["state"] == PENDING
    assert apply(session, session.set_state(ACCEPTED, True)) == "Already accepted"


def test_rejecting_a_mention_unlinks_it_from_every_claim(session):
    source = span_at(session, "Jean Dupont", "PER")
    session.select(source["id"])
    apply(session, session.set_state(REJECTED, False))
    frame = session.model.frame(span_at(session, "« La paix est proche »", CLAIM)["id"])
    assert frame.sources == []


def test_a_new_span_from_the_selection_is_trimmed_and_selected(session):
    start, end = at("Une source diplomatique")
    assert apply(session, session.label(SOURCE, (start - 1, end + 1))) == "new SOURCE"
    assert session.span(session.current)["start"] == start and session.span(session.current)["end"] == end
    assert isinstance(session.label(SOURCE, (end, end + 1)), Refusal)  # only a space


def test_relabelling_to_the_same_label_does_nothing(session):
    session.select(span_at(session, "Genève", "LOC")["id"])
    assert session.label("LOC", None) is None
    assert apply(session, session.label("ORG", None)) == "now ORG"


def test_edges_move_by_words_and_refuse_past_the_last_one(session):
    session.select(span_at(session, "la trêve tiendra", CLAIM)["id"])
    apply(session, session.edge("start", -1))
    assert session.model.span_text(session.span(session.current)) == "ONU, la trêve tiendra"
    session.select(span_at(session, "Genève", "LOC")["id"])
    assert session.edge("end", -1) == Refusal()  # a one-word span cannot shrink


def test_the_selection_becomes_the_claims_cue_and_the_claim_stays_selected(session):
    claim = span_at(session, "la trêve tiendra", CLAIM)
    session.select(claim["id"])
    assert apply(session, session.selection_to(CUE, at("reste prudente"))) == "cue set"
    assert session.current == claim["id"]
    assert session.model.span_text(session.model.frame(claim["id"]).cue) == "reste prudente"


def test_links_are_removed_by_choice_and_cues_cleared(session):
    claim = span_at(session, "la trêve tiendra", CLAIM)
    session.select(claim["id"])
    (choice,) = session.remove_choices()
    assert choice.label == "ONU"
    apply(session, session.unlink(choice.relation_id))
    assert session.remove_choices() == Refusal("This claim has no source link")
    apply(session, session.clear_cue())
    assert session.clear_cue() == Refusal("This claim has no cue")


def test_canonical_sources_tie_mentions_only(session):
    session.select(span_at(session, "la trêve tiendra", CLAIM)["id"])
    assert isinstance(session.canonical_prompt(), Refusal)
    session.select(span_at(session, "Jean Dupont", "PER")["id"])
    assert session.canonical_prompt() == ("Jean Dupont", [])
    apply(session, session.tie("Jean-Pierre Dupont"))
    assert session.span(session.current)["canonical"] == "Jean-Pierre Dupont"
    assert spans.canonical_names(session.db) == ["Jean-Pierre Dupont"]


def test_claim_attributes(session):
    session.select(span_at(session, "« La paix est proche »", CLAIM)["id"])
    assert apply(session, session.next_quote_type()) == "quote_type: indirect"  # direct -> indirect
    apply(session, session.toggle_checkworthy())
    apply(session, session.set_claim_type("prediction"))
    assert session.check_evidence("ftp://x") and session.check_evidence("doc:999")
    assert session.check_evidence("https://un.org") is None and session.check_evidence("doc:1") is None
    apply(session, session.set_evidence("https://un.org"))
    attrs = session.span(session.current)["attrs"]
    assert attrs == {"quote_type": "indirect", "checkworthy": True, "claim_type": "prediction",
                     "evidence": "https://un.org"}
    assert session.status_detail() == "CLAIM pending indirect prediction check-worthy evidence"


def test_undo_selects_what_came_back(session):
    genève = span_at(session, "Genève", "LOC")
    session.select(genève["id"])
    apply(session, session.delete())
    assert session.current is None
    assert apply(session, session.undo()) == "undone: delete span"
    assert session.current == genève["id"]
    assert apply(session, session.redo()) == "redone: delete span"
    assert apply(session, session.redo()) == "Nothing to redo"


def test_done_toggles(session):
    assert apply(session, session.toggle_done()) == "document done"
    assert apply(session, session.toggle_done()) == "document back in progress"


def test_read_only_refuses_every_change_and_shows_the_suggestions(db):
    doc = build(db)
    session = AnnotationSession(db, "bob", doc, read_only="opened with --read-only")
    assert len(session.model.claims) == 2
    session.select(session.model.claims[0]["id"])
    for outcome in (session.set_state(ACCEPTED, True), session.delete(), session.undo(), session.toggle_done()):
        assert outcome == Refusal("Read-only: opened with --read-only")


def test_nothing_selected_is_refused_with_the_keys_that_select(session):
    assert session.set_state(ACCEPTED, True) == Refusal("Select an annotation first (n, e, p or move the caret onto it)")
    assert session.next_quote_type() == Refusal("Select a claim first (n, e, p or move the caret onto it)")
