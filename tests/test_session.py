"""The annotation rules, without an App: what each action does and what the next key acts on."""
from __future__ import annotations

import pytest

from glose.db import spans
from glose.session import AnnotationSession, Confirm, Edit, Refusal
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


def test_the_claim_changes_only_when_one_is_selected_on_purpose(session):
    """Issue 9.1: the caret passing over another claim never changes the claim that
    s, S and c act on, and the status line names that claim with its text."""
    peace = span_at(session, "« La paix est proche »", CLAIM)
    truce = span_at(session, "la trêve tiendra", CLAIM)
    session.select(truce["id"], on_purpose=True)
    for passing in (peace["id"], span_at(session, "Jean Dupont", "PER")["id"], None):
        session.select(passing)  # the caret went over it
        assert session.claim == truce["id"]
        assert session.claim_text() == "la trêve tiendra"
    session.select(peace["id"], on_purpose=True)
    assert session.claim == peace["id"]


def test_the_caret_keeps_the_claim_at_its_start_and_reaches_what_is_nested(session):
    claim = span_at(session, "« La paix est proche »", CLAIM)
    session.select(claim["id"], on_purpose=True)
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
    session.select(claim["id"], on_purpose=True)
    assert apply(session, session.set_state(ACCEPTED, True)) == "accepted frame"
    for part, label in (("« La paix est proche »", CLAIM), ("a déclaré", CUE), ("Jean Dupont", "PER")):
        assert span_at(session, part, label)["state"] == ACCEPTED
    assert span_at(session, "Genève", "LOC")["state"] == PENDING
    session.select(claim["id"], on_purpose=True)  # accepting moved on to the next pending claim
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
    session.select(span_at(session, "la trêve tiendra", CLAIM)["id"], on_purpose=True)
    apply(session, session.edge("start", -1))
    assert session.model.span_text(session.span(session.current)) == "ONU, la trêve tiendra"
    session.select(span_at(session, "Genève", "LOC")["id"])
    assert session.edge("end", -1) == Refusal()  # a one-word span cannot shrink


def test_the_selection_becomes_the_claims_cue_and_the_claim_stays_selected(session):
    claim = span_at(session, "la trêve tiendra", CLAIM)
    session.select(claim["id"], on_purpose=True)
    assert apply(session, session.selection_to(CUE, at("reste prudente"))) == "cue set"
    assert session.current == claim["id"]
    assert session.model.span_text(session.model.frame(claim["id"]).cue) == "reste prudente"


def test_links_are_removed_by_choice_and_cues_cleared(session):
    claim = span_at(session, "la trêve tiendra", CLAIM)
    session.select(claim["id"], on_purpose=True)
    (choice,) = session.remove_choices()
    assert choice.label == "ONU · ORG · paragraph 2"
    apply(session, session.unlink(choice.relation_id))
    assert session.remove_choices() == Refusal("This claim has no source link")
    apply(session, session.clear_cue())
    assert session.clear_cue() == Refusal("This claim has no cue")


def test_canonical_sources_tie_mentions_only(session):
    session.select(span_at(session, "la trêve tiendra", CLAIM)["id"], on_purpose=True)
    assert isinstance(session.canonical_prompt(), Refusal)
    session.select(span_at(session, "Jean Dupont", "PER")["id"])
    assert session.canonical_prompt() == ("Jean Dupont", [])
    apply(session, session.tie("Jean-Pierre Dupont"))
    assert session.span(session.current)["canonical"] == "Jean-Pierre Dupont"
    assert spans.canonical_names(session.db) == ["Jean-Pierre Dupont"]


def test_claim_attributes(session):
    session.select(span_at(session, "« La paix est proche »", CLAIM)["id"], on_purpose=True)
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
    assert session.claim_text() == "« La paix est proche »" and session.claim_text(10) == "« La paix…"


def test_undo_selects_what_came_back(session):
    genève = span_at(session, "Genève", "LOC")
    session.select(genève["id"])
    apply(session, session.delete())
    assert session.current is None
    assert apply(session, session.undo()) == "undone: delete span"
    assert session.current == genève["id"]
    assert apply(session, session.redo()) == "redone: delete span"
    assert apply(session, session.redo()) == "Nothing to redo"


def test_done_asks_while_items_are_pending_counting_claims_and_entities_apart(session):
    """Issue 9.10."""
    claims, mentions = session.pending_counts()
    assert (claims, mentions) == (2, 3)  # PER, LOC, ORG; cues are neither
    confirm = session.toggle_done()
    assert isinstance(confirm, Confirm)
    assert confirm.question.startswith(f"2 claim(s) and {mentions} entities are still pending")
    assert apply(session, confirm.edit) == "document done"
    assert apply(session, session.toggle_done()) == "document back in progress"  # no question back


def test_done_does_not_ask_when_nothing_is_pending(session):
    apply(session, session.accept_pending_entities())
    for claim in session.model.claims:
        session.select(claim["id"], on_purpose=True)
        apply(session, session.set_state(ACCEPTED, True))
    assert session.pending_counts() == (0, 0)
    assert apply(session, session.toggle_done()) == "document done"


def test_deciding_a_claim_moves_on_to_the_next_pending_one(db):
    """Issue 9.11, and the setting that turns it off."""
    doc = build(db)
    for advance, expected in ((True, "la trêve tiendra"), (False, "« La paix est proche »")):
        session = AnnotationSession(db, f"a{advance}", doc, advance=advance)
        session.select(span_at(session, "« La paix est proche »", CLAIM)["id"], on_purpose=True)
        apply(session, session.set_state(REJECTED, True))
        assert session.model.span_text(session.span(session.claim)) == expected
        assert session.current == session.claim


def test_bulk_accept_of_a_paragraph_is_one_undoable_action(session):
    """Issue 9.14."""
    first_paragraph = session.model.paragraph_bounds(at("Genève")[0])
    inside = [s for s in session.model.pending if s["label"] not in (CLAIM, CUE)
              and first_paragraph[0] <= s["start"] < first_paragraph[1]]
    assert inside
    assert apply(session, session.accept_pending_entities(first_paragraph)).startswith(f"accepted {len(inside)}")
    assert all(session.span(s["id"])["state"] == ACCEPTED for s in inside)
    assert all(s["state"] == PENDING for s in session.model.claims)
    assert apply(session, session.undo()) == "undone: accept entities"
    assert all(session.span(s["id"])["state"] == PENDING for s in inside)


def test_edges_at_the_caret(session):
    """Issue 9.13: one key ends (or starts) the selected span at the caret."""
    claim = span_at(session, "« La paix est proche »", CLAIM)
    session.select(claim["id"], on_purpose=True)
    apply(session, session.edge_at("end", at("« La paix est")[1] + 1))  # the space is left out
    assert session.model.span_text(session.span(claim["id"])) == "« La paix est"
    apply(session, session.edge_at("start", at("La paix")[0]))
    assert session.model.span_text(session.span(claim["id"])) == "La paix est"
    assert isinstance(session.edge_at("end", claim["start"]), Refusal)


def test_remove_choices_show_the_mention_its_paragraph_and_its_name(session):
    """Issue 9.9."""
    session.select(span_at(session, "Jean Dupont", "PER")["id"])
    apply(session, session.tie("Jean-Pierre Dupont"))
    session.select(span_at(session, "« La paix est proche »", CLAIM)["id"], on_purpose=True)
    (choice,) = session.remove_choices()
    assert choice.label == "Jean Dupont (= Jean-Pierre Dupont) · PER · paragraph 2"


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
