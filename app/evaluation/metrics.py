"""Compare claim frames and entities with a gold standard (``glose eval``).

Plain data in, plain data out: the CLI turns a gold JSONL file and a stored
layer into ``DocAnns`` pairs and prints ``format_report(evaluate(pairs))``.

Metrics (all micro-averaged over the documents):

- **Claims**: a predicted claim matches a gold claim when their overlap is at
  least 0.3 of the longer of the two spans; matching is one-to-one, greedy by
  overlap (largest first). Precision, recall, F1 over matched claims.
- **Source accuracy**: over matched claims whose gold claim has at least one
  source, the share where the prediction got the speaker: some predicted source
  mention overlaps some gold source mention, or a predicted name (its
  ``canonical``, else its text) equals a gold name (canonical or text), compared
  case- and space-insensitively. A claim predicted with no source is wrong.
- **Speaker identity**: over matched claims whose gold claim names a speaker (a
  source's ``canonical``, else its text, when that is not a bare pronoun), the share
  where a predicted source names the same one: its ``canonical``, else its text,
  compared without case, determiners or titles ("M.", "Mme"); one name may hold the
  other ("l'ambassadeur" names "l'ambassadeur russe aux Nations unies", "Ban Ki-moon"
  is named by "le secrétaire général Ban Ki-moon", "Renault" by "le groupe Renault":
  a lower-case description before a name; an acronym names what it stands for, "le BRGM"
  the "Bureau de recherches géologiques et minières"), but a descriptor never names a
  person whose name the gold gives ("le grimpeur" is not "Romain Bardet"). A pronoun
  predicted without a resolution names nobody, so it is wrong wherever it stands.
- **Cues**: the cues of all gold claims against the cues of all predicted claims,
  matched with the same overlap rule; precision, recall, F1.
- **Frames**: a predicted frame is right when its claim matches a gold claim (the
  matching above), its cue matches that claim's cue (or both have none), and its
  source is right (source accuracy's rule; a gold claim with no source asks none);
  precision over predicted claims, recall over gold claims, F1.
- **Entities**: exact (start, end, label) matches; precision, recall, F1 per
  label and over all labels.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from glose.suggest.frames import Frame
from glose.vocabulary import CLAIM, CUE, ENTITY_LABELS, SAID_BY

OVERLAP = 0.3


@dataclass
class ClaimAnn:
    claim: tuple[int, int]
    cue: tuple[int, int] | None
    sources: tuple[tuple[int, int], ...]
    canonicals: tuple[str, ...] = ()
    identities: tuple[str, ...] = ()
    """Who each source is: its canonical name, else its text."""


@dataclass
class DocAnns:
    text: str
    claims: list[ClaimAnn]
    entities: list[tuple[int, int, str]]


@dataclass
class PRF:
    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    claims: PRF = field(default_factory=PRF)
    cues: PRF = field(default_factory=PRF)
    frames: PRF = field(default_factory=PRF)  # claim, cue and source all right
    source_correct: int = 0
    source_total: int = 0  # matched claims whose gold claim has a source
    identity_correct: int = 0
    identity_total: int = 0  # matched claims whose gold claim names a speaker
    entities: dict[str, PRF] = field(default_factory=dict)  # per label, plus "ALL"
    documents: int = 0

    @property
    def source_accuracy(self) -> float:
        return self.source_correct / self.source_total if self.source_total else 0.0

    @property
    def identity_accuracy(self) -> float:
        return self.identity_correct / self.identity_total if self.identity_total else 0.0


# ---------------------------------------------------------------- readers

def _key(span: dict) -> tuple[int, int, str]:
    return int(span["start"]), int(span["end"]), span["label"]


def from_prodigy(record: dict) -> DocAnns:
    """Read a Prodigy/spaCy JSONL record: CLAIM spans, SAID_BY and CUE relations
    whose head is the claim, entity spans (PER/ORG/LOC/MISC). Spans are matched
    by start/end/label; token indices are not needed."""
    spans = record.get("spans") or []
    claims: dict[tuple[int, int], ClaimAnn] = {}
    for span in spans:
        if span["label"] == CLAIM:
            claims.setdefault((int(span["start"]), int(span["end"])), ClaimAnn((int(span["start"]), int(span["end"])), None, ()))
    for rel in record.get("relations") or []:
        head, child = rel["head_span"], rel["child_span"]
        key = (int(head["start"]), int(head["end"]))
        ann = claims.setdefault(key, ClaimAnn(key, None, ()))
        child_span = (int(child["start"]), int(child["end"]))
        if rel["label"] == CUE:
            ann.cue = child_span
        elif rel["label"] == SAID_BY:
            ann.sources = ann.sources + (child_span,)
            if child.get("canonical"):
                ann.canonicals = ann.canonicals + (child["canonical"],)
            ann.identities += (child.get("canonical") or record["text"][child_span[0]:child_span[1]],)
    entities = sorted({_key(s) for s in spans if s["label"] in ENTITY_LABELS})
    ordered = sorted(claims.values(), key=lambda c: c.claim)
    return DocAnns(record["text"], ordered, entities)


def from_frames(text: str, frames: list[Frame], entities: list[tuple[int, int, str]]) -> DocAnns:
    """Wrap engine (or stored) frames and entity spans for ``evaluate``."""
    claims = [
        ClaimAnn(
            (f.claim_start, f.claim_end),
            f.cue,
            tuple((m.start, m.end) for m in f.sources),
            tuple(m.canonical for m in f.sources if m.canonical),
            tuple(m.canonical or text[m.start:m.end] for m in f.sources),
        )
        for f in frames
    ]
    return DocAnns(text, claims, sorted(set(entities)))


# ---------------------------------------------------------------- matching

def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def spans_match(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Overlap of at least 0.3 of the longer span."""
    longer = max(a[1] - a[0], b[1] - b[0])
    return longer > 0 and _overlap(a, b) >= OVERLAP * longer


def match_spans(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """One-to-one greedy matching by overlap: (gold index, predicted index) pairs."""
    pairs = sorted(
        ((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred) if spans_match(g, p)),
        reverse=True,
    )
    used_g, used_p, out = set(), set(), []
    for _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            out.append((gi, pi))
    return sorted(out)


def _norm(name: str) -> str:
    return " ".join(name.replace("’", "'").lower().split())


def source_correct(text: str, gold: ClaimAnn, pred: ClaimAnn, pred_text: str | None = None) -> bool:
    """Does ``pred`` name one of ``gold``'s speakers? (see the module docstring)"""
    if any(_overlap(g, p) > 0 for g in gold.sources for p in pred.sources):
        return True
    gold_names = {_norm(text[s:e]) for s, e in gold.sources} | {_norm(c) for c in gold.canonicals}
    ptext = text if pred_text is None else pred_text
    pred_names = {_norm(ptext[s:e]) for s, e in pred.sources} | {_norm(c) for c in pred.canonicals}
    return bool(gold_names & pred_names - {""})


def _same_cue(gold: tuple[int, int] | None, pred: tuple[int, int] | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    return spans_match(gold, pred)


_TITLES = {"m.", "mme", "mlle", "me", "dr", "pr", "mgr", "le", "la", "les", "l'", "un", "une", "de", "des", "du",
           "d'", "son", "sa", "ses", "leur", "leurs"}
_PRONOUNS = {"il", "elle", "ils", "elles", "on", "nous", "je", "j'", "lui", "eux", "vous", "celui-ci", "celle-ci"}


def _who(name: str) -> str:
    words = _norm(name).replace("l'", "l' ").replace(",", " ").split()
    while words and words[0] in _TITLES:
        words = words[1:]
    return " ".join(words)


def identity_correct(gold: ClaimAnn, pred: ClaimAnn) -> bool | None:
    """Does ``pred`` name the speaker ``gold`` names? None when gold names nobody
    (no source, or a bare pronoun with no canonical name)."""
    wanted = {_who(name) for name in gold.identities} - _PRONOUNS - {""}
    if not wanted:
        return None
    named = {_who(name) for name in pred.identities} - _PRONOUNS - {""}
    return any(_holds(a, b) or _holds(b, a) for a in wanted for b in named) or any(
        _described_name(a, b) or _described_name(b, a) or _acronym(a, b) or _acronym(b, a)
        for a in gold.identities for b in pred.identities)


_LINKS = {"de", "des", "du", "d'", "d’", "la", "le", "les", "l'", "l’", "et", "en", "à", "pour", "sur"}


def _acronym(short: str, long: str) -> bool:
    """``short`` is the acronym of ``long``: "le BRGM" of "Bureau de recherches
    géologiques et minières", "ARS" of "agence régionale de santé Auvergne-Rhône-Alpes"."""
    letters = [w for w in short.replace("’", "'").split() if w.lower() not in _LINKS]
    if len(letters) != 1 or not (2 <= len(letters[0]) <= 6) or not letters[0].isupper():
        return False
    words = [w for w in long.replace("’", "'").replace("l'", "l' ").replace("-", " ").split() if w.lower() not in _LINKS]
    initials = "".join(unicodedata.normalize("NFD", w[0])[0] for w in words).upper()  # "épicerie" gives E
    return len(words) >= 2 and initials.startswith(letters[0])


def _described_name(longer: str, name: str) -> bool:
    """``longer`` is a description followed by ``name``: "le groupe Renault" names
    Renault, "l'agence officielle MAP" names MAP; not "un rapport de Santé publique
    France" (France), where capitals show a name before the tail."""
    words, tail = _norm(longer).split(), _norm(name).split()
    if not tail or len(words) <= len(tail) or words[-len(tail):] != tail or not name.strip()[:1].isupper():
        return False
    before = longer.split()[:len(longer.split()) - len(name.split())]
    return all(not word[:1].isupper() or word.lower() in _TITLES for word in before)


def _holds(longer: str, shorter: str) -> bool:
    """``shorter`` is ``longer`` cut short ("ambassadeur" of "ambassadeur russe"), or
    a name of two words or more inside it; a lone surname is not the full name."""
    return f"{longer} ".startswith(f"{shorter} ") or (" " in shorter and f" {shorter} " in f" {longer} ")


def evaluate(pairs: list[tuple[DocAnns, DocAnns]]) -> EvalReport:
    """Score (gold, predicted) document pairs; texts must be identical."""
    report = EvalReport()
    for gold, pred in pairs:
        if gold.text != pred.text:
            raise ValueError("gold and predicted annotations are over different texts")
        report.documents += 1
        g_claims = [c.claim for c in gold.claims]
        p_claims = [c.claim for c in pred.claims]
        matched = match_spans(g_claims, p_claims)
        report.claims.tp += len(matched)
        report.claims.n_gold += len(g_claims)
        report.claims.n_pred += len(p_claims)
        report.frames.n_gold += len(g_claims)
        report.frames.n_pred += len(p_claims)
        for gi, pi in matched:
            said = True
            if gold.claims[gi].sources or gold.claims[gi].canonicals:
                said = source_correct(gold.text, gold.claims[gi], pred.claims[pi])
                report.source_total += 1
                report.source_correct += said
            report.frames.tp += said and _same_cue(gold.claims[gi].cue, pred.claims[pi].cue)
            same = identity_correct(gold.claims[gi], pred.claims[pi])
            if same is not None:
                report.identity_total += 1
                report.identity_correct += same
        g_cues = [c.cue for c in gold.claims if c.cue]
        p_cues = [c.cue for c in pred.claims if c.cue]
        report.cues.tp += len(match_spans(g_cues, p_cues))
        report.cues.n_gold += len(g_cues)
        report.cues.n_pred += len(p_cues)
        g_ents, p_ents = set(gold.entities), set(pred.entities)
        for label in ENTITY_LABELS + ("ALL",):
            prf = report.entities.setdefault(label, PRF())
            g = {e for e in g_ents if label == "ALL" or e[2] == label}
            p = {e for e in p_ents if label == "ALL" or e[2] == label}
            prf.tp += len(g & p)
            prf.n_gold += len(g)
            prf.n_pred += len(p)
    return report


def format_report(report: EvalReport) -> str:
    """A plain-text table of the report."""
    rows = [("claims", report.claims), ("cues", report.cues), ("frames", report.frames)]
    rows += [(f"entities {label}", prf) for label, prf in report.entities.items()]
    width = max(len(name) for name, _ in rows)
    lines = [
        f"documents: {report.documents}",
        f"{'':{width}}  {'P':>6} {'R':>6} {'F1':>6}  {'tp':>5} {'pred':>5} {'gold':>5}",
    ]
    for name, prf in rows:
        lines.append(
            f"{name:{width}}  {prf.precision:6.3f} {prf.recall:6.3f} {prf.f1:6.3f}  "
            f"{prf.tp:5d} {prf.n_pred:5d} {prf.n_gold:5d}"
        )
    lines.append(
        f"source mention accuracy (matched claims with a gold source): {report.source_accuracy:.3f} "
        f"({report.source_correct}/{report.source_total})"
    )
    lines.append(
        f"speaker identity accuracy (matched claims whose gold names a speaker): {report.identity_accuracy:.3f} "
        f"({report.identity_correct}/{report.identity_total})"
    )
    return "\n".join(lines)
