"""Claims by canonical source across the corpus, for the sources screen: counts per layer,
claim type and dates; one source's claims with their cue and document."""
from __future__ import annotations

import pytest

from glose.db import documents, layers, sources
from glose.db.sources import ClaimFilter, SourceEditor
from glose.db.transaction import write
from glose.vocabulary import ACCEPTED, CLAIM, CUE, PER, REJECTED, SAID_BY, SUGGESTIONS


def frame(text: str, quote: str, cue: str, who: str, name: str, *, claim_type: str | None = None,
          state: str = ACCEPTED, claim_state: str = ACCEPTED) -> tuple[list, list]:
    """A claim, its cue and its speaker's mention tied to ``name``: spans and relations."""
    attrs = {"quote_type": "direct", **({"claim_type": claim_type} if claim_type else {})}
    spans = [{"start": text.index(quote), "end": text.index(quote) + len(quote), "label": CLAIM, "attrs": attrs,
              "state": claim_state},
             {"start": text.index(cue), "end": text.index(cue) + len(cue), "label": CUE},
             {"start": text.index(who), "end": text.index(who) + len(who), "label": PER, "canonical": name}]
    return spans, [{"head": 0, "child": 1, "label": CUE}, {"head": 0, "child": 2, "label": SAID_BY, "state": state}]


def add(db, layer: int, text: str, date: str, frames: list[tuple[list, list]], *, complete: bool = True) -> int:
    doc = documents.insert_document(db, text=text, text_hash=str(hash((text, date))), title=f"Dépêche du {date}",
                                    meta={"date": date}, origin=None, complete=complete)
    add_frames(db, doc, layer, frames)
    return doc


def add_frames(db, doc: int, layer: int, frames: list[tuple[list, list]]) -> None:
    from glose.db import spans as spans_table

    for spans, relations in frames:
        spans_table.add_annotations(db, doc, layer, spans, relations)


ONE = "« La situation est grave », a déclaré Stéphane Dujarric."
TWO = "« L'aide arrive », a affirmé M. Dujarric. « Ce n'est pas assez », a répondu l'OSDH."


@pytest.fixture
def corpus(db):
    return build(db)


def build(db):
    """Two documents on two dates; the suggestions and alice's layer disagree."""
    with write(db):
        suggestions = layers.layer_id(db, SUGGESTIONS)
        alice = layers.layer_id(db, "alice", annotator="alice")
        one = add(db, suggestions, ONE, "2016-12-13", [
            frame(ONE, "« La situation est grave »", "a déclaré", "Stéphane Dujarric", "Stéphane Dujarric",
                  claim_type="opinion")])
        two = add(db, suggestions, TWO, "2016-12-20", [
            frame(TWO, "« L'aide arrive »", "a affirmé", "M. Dujarric", "M. Dujarric", claim_type="event"),
            frame(TWO, "« Ce n'est pas assez »", "a répondu", "l'OSDH", "OSDH")])
        add_frames(db, one, alice, [frame(ONE, "« La situation est grave »", "a déclaré", "Stéphane Dujarric",
                                          "Stéphane Dujarric", claim_type="opinion")])
        add_frames(db, two, alice, [
            frame(TWO, "« L'aide arrive »", "a affirmé", "M. Dujarric", "M. Dujarric", state=REJECTED),
            frame(TWO, "« Ce n'est pas assez »", "a répondu", "l'OSDH", "OSDH", claim_state=REJECTED)])
        add(db, suggestions, ONE + " ", "2016-12-14", [  # still being imported: not counted
            frame(ONE, "« La situation est grave »", "a déclaré", "Stéphane Dujarric", "Stéphane Dujarric")],
            complete=False)
    return db


def named(db, counts: dict[int, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {sources.get(db, source).name: value for source, value in counts.items()}


def test_counts_per_layer_claim_type_and_dates(corpus):
    suggestions, alice = layers.find_layer(corpus, SUGGESTIONS), layers.find_layer(corpus, "alice")
    assert named(corpus, sources.claim_counts(corpus, ClaimFilter(suggestions))) == {
        "Stéphane Dujarric": (1, 1), "M. Dujarric": (1, 1), "OSDH": (1, 1)}
    # A rejected SAID_BY, a rejected claim: not the source's.
    assert named(corpus, sources.claim_counts(corpus, ClaimFilter(alice))) == {"Stéphane Dujarric": (1, 1)}
    assert named(corpus, sources.claim_counts(corpus, ClaimFilter(suggestions, claim_type="event"))) == {
        "M. Dujarric": (1, 1)}
    assert named(corpus, sources.claim_counts(corpus, ClaimFilter(suggestions, dates=("2016-12-01", "2016-12-13")))) \
        == {"Stéphane Dujarric": (1, 1)}
    assert sources.claim_counts(corpus, ClaimFilter(suggestions, dates=("2017-01-01", "2017-12-31"))) == {}
    assert sources.has_claims(corpus, alice) and not sources.has_claims(corpus, layers.layer_id(corpus, "gold"))


def test_an_alias_counts_for_its_source_and_lists_its_claims(corpus):
    suggestions = layers.find_layer(corpus, SUGGESTIONS)
    keep, other = sources.find(corpus, "Stéphane Dujarric").id, sources.find(corpus, "M. Dujarric").id
    SourceEditor(corpus, "alice").merge(keep, other)
    assert named(corpus, sources.claim_counts(corpus, ClaimFilter(suggestions))) == {
        "Stéphane Dujarric": (2, 2), "OSDH": (1, 1)}
    claims = sources.claims_of(corpus, other, ClaimFilter(suggestions))  # the alias's id gives its source
    assert [(c.title, c.date, c.text, c.cue, c.quote_type, c.claim_type) for c in claims] == [
        ("Dépêche du 2016-12-13", "2016-12-13", "« La situation est grave »", "a déclaré", "direct", "opinion"),
        ("Dépêche du 2016-12-20", "2016-12-20", "« L'aide arrive »", "a affirmé", "direct", "event")]
    assert TWO[claims[1].start:claims[1].end] == "« L'aide arrive »"
    assert [c.text for c in sources.claims_of(corpus, keep, ClaimFilter(suggestions, claim_type="event"))] == [
        "« L'aide arrive »"]


def test_mention_counts_follow_merges(corpus):
    counts = sources.mention_counts(corpus)
    assert counts[sources.find(corpus, "Stéphane Dujarric").id] == 3  # suggestions, alice, the hidden import
    SourceEditor(corpus, "alice").merge(sources.find(corpus, "Stéphane Dujarric").id,
                                        sources.find(corpus, "M. Dujarric").id)
    assert sources.mention_counts(corpus)[sources.find(corpus, "Stéphane Dujarric").id] == 5
