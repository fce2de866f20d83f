"""Each French attribution pattern glose suggests (docs/DATA_MODEL.md), on sentences written for these tests."""
from __future__ import annotations

import pytest

from glose.suggest.engine import suggest_frames

pytestmark = pytest.mark.slow
NBSP, NNBSP = "\u00a0", "\u202f"


def frames_of(nlp, text):
    return text, suggest_frames(nlp(text))


def find(text, frames, needle):
    """The frame whose claim contains ``needle``."""
    hits = [f for f in frames if needle in text[f.claim_start:f.claim_end]]
    assert hits, f"no claim contains {needle!r}: {[text[f.claim_start:f.claim_end] for f in frames]}"
    return hits[0]


def claim(text, f):
    return text[f.claim_start:f.claim_end]


def cue(text, f):
    return text[f.cue[0]:f.cue[1]] if f.cue else None


def sources(text, f):
    return [text[m.start:m.end] for m in f.sources]


def test_guillemets_with_non_breaking_spaces_and_inverted_speaker(nlp):
    text, frames = frames_of(nlp, f"«{NBSP}Nous ne céderons pas{NNBSP}», a déclaré le maire de Lyon.")
    f = find(text, frames, "céderons")
    assert claim(text, f) == "Nous ne céderons pas"
    assert cue(text, f) == "a déclaré"
    assert sources(text, f) == ["le maire de Lyon"]
    assert f.quote_type == "direct"


@pytest.mark.parametrize("open_, close", [("“", "”"), ('"', '"')])
def test_english_and_straight_quotes(nlp, open_, close):
    text, frames = frames_of(nlp, f"{open_}Le projet est abandonné{close}, a indiqué la préfecture.")
    f = find(text, frames, "abandonné")
    assert claim(text, f) == "Le projet est abandonné"
    assert cue(text, f) == "a indiqué"
    assert sources(text, f) == ["la préfecture"]


def test_nested_quotes_stay_inside_one_claim(nlp):
    text, frames = frames_of(nlp, "« Il a parlé d'une « erreur historique » devant nous », a affirmé la porte-parole du parti.")
    assert len(frames) == 1
    assert claim(text, frames[0]) == "Il a parlé d'une « erreur historique » devant nous"
    assert "porte-parole" in sources(text, frames[0])[0]


def test_unbalanced_quote_closes_at_the_line_end(nlp):
    text, frames = frames_of(nlp, "« Nous continuerons le combat, a lancé la syndicaliste Marie Durand.\nLa grève reprendra lundi.")
    f = find(text, frames, "continuerons")
    assert claim(text, f) == "Nous continuerons le combat"
    assert cue(text, f) == "a lancé"
    assert sources(text, f) == ["Marie Durand"]


def test_quote_split_around_its_cue_is_one_claim(nlp):
    text, frames = frames_of(
        nlp, "« La croissance ralentit, a déclaré l'économiste Paul Martin, mais la récession n'est pas certaine. »"
    )
    assert len(frames) == 1
    f = frames[0]
    assert claim(text, f).startswith("La croissance ralentit") and claim(text, f).endswith("pas certaine")  # docs/CLAIM_BOUNDARIES.md, rule 3
    assert cue(text, f) == "a déclaré"
    assert sources(text, f) == ["Paul Martin"]
    assert f.quote_type == "direct"


def test_two_separate_quotes_around_a_cue_are_merged_when_the_second_continues(nlp):
    text, frames = frames_of(nlp, "« Le budget est tenu », a assuré la ministre Claire Roy, « et il le restera ».")
    assert len(frames) == 1
    assert claim(text, frames[0]).startswith("Le budget est tenu") and claim(text, frames[0]).endswith("le restera")


def test_pronoun_source_resolves_to_the_last_speaker(nlp):
    text, frames = frames_of(
        nlp, "Sophie Martin a annoncé que le musée rouvrirait en juin. « Les travaux sont finis », a-t-elle ajouté."
    )
    f = find(text, frames, "travaux")
    assert cue(text, f) == "a-t-elle ajouté"
    (m,) = f.sources
    assert text[m.start:m.end] == "elle" and m.label == "SOURCE"
    assert m.canonical == "Sophie Martin"


def test_pronoun_resolution_respects_number(nlp):
    text, frames = frames_of(
        nlp,
        "Les syndicats ont affirmé que la grève serait suivie. Le directeur Paul Henri a répondu que l'usine resterait ouverte. "
        "« Nous ne fermerons pas », a-t-il insisté.",
    )
    f = find(text, frames, "fermerons")
    assert f.sources[0].canonical == "Paul Henri"


def test_participial_cues_inherit_the_speaker(nlp):
    text, frames = frames_of(
        nlp, "La direction a confirmé la fermeture du site, précisant que 300 salariés seraient reclassés."
    )
    main = find(text, frames, "fermeture du site")
    part = find(text, frames, "300 salariés")
    assert cue(text, main) == "a confirmé"
    assert cue(text, part) == "précisant"
    assert claim(text, part) == "300 salariés seraient reclassés"
    assert sources(text, part) == sources(text, main) == ["La direction"]
    assert part.quote_type == "indirect" and part.claim_type == "statistic"


def test_faisant_etat_de_and_signalant_que(nlp):
    text, frames = frames_of(
        nlp,
        "Des habitants ont alerté la police, faisant état de tirs nourris dans le quartier. "
        "Le club a publié un communiqué, signalant que l'entraîneur était suspendu.",
    )
    f = find(text, frames, "tirs nourris")
    assert cue(text, f) == "faisant état de"
    assert "habitants" in sources(text, f)[0]
    g = find(text, frames, "entraîneur était suspendu")
    assert cue(text, g) == "signalant"
    assert sources(text, g) == ["Le club"]


def test_selon_before_the_claim(nlp):
    text, frames = frames_of(nlp, "Selon le ministère de l'Intérieur, 12 000 policiers seront mobilisés samedi.")
    f = find(text, frames, "policiers")
    assert claim(text, f) == "12 000 policiers seront mobilisés samedi"
    assert cue(text, f) == "Selon"
    assert "ministère" in sources(text, f)[0]
    assert f.claim_type == "statistic" and f.quote_type == "indirect"


def test_selon_after_the_claim(nlp):
    text, frames = frames_of(nlp, "Le trafic reprendra normalement jeudi, selon la SNCF.")
    f = find(text, frames, "trafic")
    assert claim(text, f) == "Le trafic reprendra normalement jeudi"
    assert cue(text, f) == "selon"
    assert [(text[m.start:m.end], m.label) for m in f.sources] == [("SNCF", "ORG")]


@pytest.mark.parametrize("apostrophe", ["'", "’"])
def test_d_apres_with_both_apostrophes(nlp, apostrophe):
    text, frames = frames_of(nlp, f"D{apostrophe}après les prévisionnistes, les orages devraient s'intensifier dans la soirée.")
    f = find(text, frames, "orages")
    assert cue(text, f) == f"D{apostrophe}après"
    assert claim(text, f) == "les orages devraient s'intensifier dans la soirée"
    assert sources(text, f) == ["les prévisionnistes"]


def test_pour_x_comma_is_a_cue_only_for_speakers(nlp):
    text, frames = frames_of(nlp, "Pour l'économiste Anne Leroy, la hausse des taux était prévisible.")
    f = find(text, frames, "hausse des taux")
    assert cue(text, f) == "Pour"
    assert sources(text, f) == ["Anne Leroy"]
    _, none = frames_of(nlp, "Pour la troisième fois, le conseil municipal a rejeté le budget.")
    assert none == []


def test_de_source_names_the_speaker(nlp):
    text, frames = frames_of(nlp, "Le sommet a été reporté à une date ultérieure, a-t-on appris de source diplomatique.")
    f = find(text, frames, "sommet")
    assert cue(text, f) == "a-t-on appris"
    assert sources(text, f) == ["source diplomatique"]


def test_speaker_as_object_of_an_inverted_verb(nlp):
    text, frames = frames_of(nlp, "« Les négociations sont dans l'impasse », estime l'Otan dans un communiqué.")
    f = find(text, frames, "impasse")
    assert cue(text, f) == "estime"
    assert [(text[m.start:m.end], m.label) for m in f.sources] == [("Otan", "ORG")]


def test_inverted_speaker_after_a_prepositional_phrase(nlp):
    text, frames = frames_of(nlp, "« Le dialogue est rompu », a affirmé à la presse Jeanne Morel, responsable du collectif.")
    f = find(text, frames, "dialogue")
    assert sources(text, f) == ["Jeanne Morel"]


def test_apposition_gives_the_name(nlp):
    text, frames = frames_of(nlp, "Marc Dubois, porte-parole de la mairie, a déclaré que les travaux dureraient deux ans.")
    f = find(text, frames, "travaux")
    assert sources(text, f) == ["Marc Dubois"]
    text, frames = frames_of(nlp, "Le porte-parole de la mairie, Marc Dubois, a déclaré que les travaux dureraient deux ans.")
    assert sources(text, find(text, frames, "travaux")) == ["Marc Dubois"]


def test_floating_quote_inherits_the_previous_speaker(nlp):
    text, frames = frames_of(
        nlp,
        "Le sénateur Paul Girard a affirmé que le texte était « bâclé ». "
        "« Personne n'a lu les amendements. Nous demandons un report. »",
    )
    first = find(text, frames, "bâclé")
    floating = find(text, frames, "Personne n'a lu")
    assert floating.cue is None and floating.quote_type == "direct"
    assert [(m.start, m.end) for m in floating.sources] == [(m.start, m.end) for m in first.sources]
    assert sources(text, floating) == ["Paul Girard"]


def test_indirect_speech(nlp):
    text, frames = frames_of(nlp, "La Commission européenne a annoncé mardi que les quotas de pêche seraient réduits.")
    f = find(text, frames, "quotas")
    assert claim(text, f) == "les quotas de pêche seraient réduits"
    assert cue(text, f) == "a annoncé"
    assert f.quote_type == "indirect"
    assert "Commission européenne" in sources(text, f)[0]


def test_mixed_quote_after_se_dire(nlp):
    text, frames = frames_of(nlp, "La ministre Hélène Blanc s'est dite « très inquiète » de la situation des éleveurs.")
    f = find(text, frames, "inquiète")
    assert f.quote_type == "mixed"
    assert cue(text, f) == "s'est dite"
    assert sources(text, f) == ["Hélène Blanc"]


def test_mixed_quote_in_a_que_clause(nlp):
    text, frames = frames_of(nlp, "L’entraîneur a reconnu qu’il avait « manqué de lucidité » en fin de match.")
    f = find(text, frames, "lucidité")
    assert f.quote_type == "mixed"
    assert claim(text, f).startswith("il avait")


def test_quotes_inside_a_quote_are_not_cues(nlp):
    text, frames = frames_of(nlp, "« Selon nos calculs, le pays a déclaré la guerre à l'inflation », a dit le gouverneur.")
    assert len(frames) == 1
    assert cue(text, frames[0]) == "a dit"


def test_statistic_needs_a_counted_noun(nlp):
    text, frames = frames_of(nlp, "Le maire a annoncé le 12 décembre que la piscine rouvrirait.")
    assert find(text, frames, "piscine").claim_type is None
    text, frames = frames_of(nlp, "Selon l'Insee, le chômage a atteint 7,5 % au dernier trimestre.")
    assert find(text, frames, "chômage").claim_type == "statistic"


def test_no_claim_without_attribution(nlp):
    _, frames = frames_of(nlp, "Les supporters ont envahi la pelouse après le coup de sifflet final. Le match sera rejoué.")
    assert frames == []


def test_frames_are_in_reading_order_with_valid_offsets(nlp):
    text, frames = frames_of(
        nlp,
        "« C'est une victoire », a dit Paul Roy. Selon la police, 2 000 personnes ont défilé. "
        "Le préfet a estimé que le calme était revenu.",
    )
    starts = [f.claim_start for f in frames]
    assert starts == sorted(starts) and len(frames) == 3
    for f in frames:
        assert 0 <= f.claim_start < f.claim_end <= len(text)
        assert 0.0 < f.confidence < 1.0
