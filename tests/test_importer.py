"""glose import: normalisation, bad files, idempotence, offsets (real SQLite, real spaCy)."""
from __future__ import annotations

import json

import pytest

from glose import exporter, importer
from glose.db import documents, layers, spans
from glose.nlp import blank_tokenizer
from glose.textnorm import normalize, text_hash
from glose.vocabulary import SUGGESTIONS

ARTICLE = "« Nous appelons au calme », a déclaré mardi Jean Dupont, maire de Lyon.\n"


def run_import(db, *paths, nlp=None, **kwargs):
    return importer.import_paths(db, paths, nlp=nlp or blank_tokenizer(), **kwargs)


def only_doc(db):
    (doc_id,) = documents.document_ids(db)
    return documents.get_document(db, doc_id)


def test_txt_is_stored_normalised_with_tokens(db, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    report = run_import(db, tmp_path / "a.txt")
    assert len(report.imported) == 1 and not report.failed
    doc = only_doc(db)
    assert doc["text"] == ARTICLE and doc["text_hash"] == text_hash(ARTICLE)
    assert doc["title"] == ARTICLE.strip()
    tokens = documents.get_tokens(db, doc["id"])
    assert [ARTICLE[s:e] for s, e in zip(tokens.starts, tokens.ends, strict=True)][:3] == ["«", "Nous", "appelons"]


def test_crlf_bom_and_date_header(db, tmp_path):
    raw = "\ufeff date 2016-12 Titre\r\nCorps du texte.\r\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    run_import(db, tmp_path / "a.txt")
    doc = only_doc(db)
    assert doc["text"] == "Titre\nCorps du texte.\n"
    assert doc["meta"] == {"date": "2016-12"}
    assert doc["title"] == "Titre"


def test_escapes_markup_and_controls_are_kept_as_visible_text(db, tmp_path):
    raw = "Avant \x1b[2J\x1b]0;pwned\x07 [bold]gras[/b] [/] fin\x00?"
    (tmp_path / "a.txt").write_text(raw.replace("\x00", "\x01"), encoding="utf-8")
    run_import(db, tmp_path / "a.txt")
    text = only_doc(db)["text"]
    assert len(text) == len(raw)  # replaced, never deleted: nothing shifts
    assert "\x1b" not in text and "\x07" not in text and "\x01" not in text
    assert "␛[2J" in text and "[bold]gras[/b] [/]" in text


def test_very_long_line(db, tmp_path):
    raw = "mot " * 200_000  # ~800 KB on one line
    (tmp_path / "long.txt").write_text(raw, encoding="utf-8")
    report = run_import(db, tmp_path / "long.txt")
    assert not report.failed
    doc = only_doc(db)
    assert doc["n_chars"] == len(raw)
    assert len(doc["title"]) <= 120


def test_markdown_title_from_heading(db, tmp_path):
    (tmp_path / "a.md").write_text("Intro\n\n# Le vrai titre\n\nTexte.", encoding="utf-8")
    run_import(db, tmp_path / "a.md")
    assert only_doc(db)["title"] == "Le vrai titre"


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("latin1.txt", "Élysée".encode("latin-1"), "not valid UTF-8 (byte 0xc9 at offset 0); use --encoding"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("empty.txt", b"", "empty"),
        ("blank.md", b"  \n\t\n", "empty"),
        ("bad.jsonl", b'{"text": "ok"}\n{"text": "broken"\n', "line 2: malformed JSON"),
        ("notext.jsonl", b'{"title": "x"}\n', 'line 1: each line must be a JSON object with a "text" string'),
        ("span.jsonl", b'{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "PER"}]}\n',
         "line 1: span 1-9 lies outside the text"),
        ("spantext.jsonl", b'{"text": "abc", "spans": [{"start": 0, "end": 1, "label": "PER", "text": "b"}]}\n',
         "says 'b' but the text there is 'a'"),
        ("hash.jsonl", b'{"text": "abc", "meta": {"text_hash": "0000"}}\n', "does not match meta.text_hash"),
        ("inf.jsonl", b'{"text": "x", "spans": [{"start": 0, "end": Infinity, "label": "PER"}]}\n',
         "Infinity is not a JSON number"),
        ("label.jsonl", b'{"text": "abcdef", "spans": [{"start": 0, "end": 3, "label": "PERSON"}]}\n',
         "unknown span label 'PERSON'"),
        ("float.jsonl", b'{"text": "abcdef", "spans": [{"start": 0.5, "end": 3, "label": "PER"}]}\n',
         "needs integer start and end"),
        ("bool.jsonl", b'{"text": "abcdef", "spans": [{"start": true, "end": 3, "label": "PER"}]}\n',
         "needs integer start and end"),
        ("nolabel.jsonl", b'{"text": "abcdef", "spans": [{"start": 0, "end": 3, "label": null}]}\n',
         "a label string"),
        ("conf.jsonl", b'{"text": "abcdef", "spans": [{"start": 0, "end": 3, "label": "PER", "confidence": "high"}]}\n',
         "confidence must be a number"),
        ("title.jsonl", b'{"text": "abcdef", "meta": {"title": {"a": 1}}}\n', '"meta.title" must be a string'),
        ("deep.jsonl", b'{"text": "x", "meta": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
         "line 1: JSON nested too deeply"),
        ("crlf.jsonl", b'{"text": "ab\\r\\ncd efg", "spans": [{"start": 3, "end": 6, "label": "PER"}]}\n',
         "cuts through a character that normalisation changes"),
        ("nfd.jsonl", b'{"text": "Ele\\u0301onore", "spans": [{"start": 0, "end": 3, "label": "PER"}]}\n',
         "cuts through a character that normalisation changes"),
        ("utf16.txt", "Bonjour".encode("utf-16"), "UTF-16 byte-order mark: --encoding utf-16"),
    ],
    ids=lambda value: value if isinstance(value, str) and value.count(".") == 1 and len(value) < 20 else "",
)
def test_bad_file_is_reported_and_nothing_of_it_kept(db, tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    report = run_import(db, tmp_path)
    ((path, message),) = report.failed
    assert path.endswith(name) and reason in message
    assert [origin.rsplit("/", 1)[-1] for origin, _ in report.imported] == ["good.txt"]
    assert documents.count_documents(db) == 1


def test_jsonl_file_is_one_transaction(db, tmp_path):
    lines = [json.dumps({"text": f"Texte numéro {i}."}) for i in range(3)] + ["{oops"]
    (tmp_path / "many.jsonl").write_text("\n".join(lines), encoding="utf-8")
    report = run_import(db, tmp_path / "many.jsonl")
    assert report.failed and "line 4" in report.failed[0][1]
    assert documents.count_documents(db) == 0


def test_encoding_override(db, tmp_path):
    (tmp_path / "a.txt").write_bytes("Élysée, a-t-il dit.".encode("latin-1"))
    report = run_import(db, tmp_path / "a.txt", encoding="latin-1")
    assert not report.failed and only_doc(db)["text"] == "Élysée, a-t-il dit."


def test_size_bound(db, tmp_path):
    (tmp_path / "big.txt").write_text("x" * 2000, encoding="utf-8")
    report = run_import(db, tmp_path / "big.txt", max_bytes=1000)
    assert "too large (over 1,000 bytes, the limit; see --max-bytes)" in report.failed[0][1]


def test_unsupported_and_missing_paths_named(db, tmp_path):
    (tmp_path / "a.pdf").write_bytes(b"%PDF")
    report = run_import(db, tmp_path / "a.pdf", tmp_path / "missing.txt")
    reasons = dict(report.failed)
    assert "unsupported file type '.pdf'" in reasons[str(tmp_path / "a.pdf")]
    assert reasons[str(tmp_path / "missing.txt")] == "no such file or folder"


def test_folder_skips_other_types(db, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "notes.py").write_text("print()", encoding="utf-8")
    report = run_import(db, tmp_path)
    assert len(report.imported) == 1 and not report.failed


def test_reimport_is_a_reported_no_op(db, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "copy.txt").write_text(ARTICLE.replace("\n", "\r\n"), encoding="utf-8")  # same once normalised
    first = run_import(db, tmp_path)
    assert len(first.imported) == 1 and len(first.duplicates) == 1
    second = run_import(db, tmp_path)
    assert not second.imported and len(second.duplicates) == 2
    assert documents.count_documents(db) == 1


def test_jsonl_spans_and_relations_go_to_the_named_layer(db, tmp_path):
    raw = "« Calme »,\r\na dit Jean Dupont."  # CRLF: offsets must be remapped
    claim = {"start": 0, "end": 9, "label": "CLAIM", "quote_type": "direct"}
    source = {"start": 20, "end": 30, "label": "PER", "text": "Jean Dupont"[:10]}
    source["text"] = raw[20:30]
    rec = {"text": raw, "meta": {"url": "http://x"}, "spans": [claim, source],
           "relations": [{"head": 0, "child": 1, "label": "SAID_BY", "head_span": claim, "child_span": source}]}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec), encoding="utf-8")
    report = run_import(db, tmp_path / "a.jsonl", layer="prodigy")
    assert not report.failed
    doc = only_doc(db)
    text = normalize(raw)
    layer = layers.find_layer(db, "prodigy")
    stored = spans.spans_of(db, doc["id"], layer)
    assert [(text[s["start"]:s["end"]], s["label"]) for s in stored] == [("« Calme »", "CLAIM"), (raw[20:30], "PER")]
    assert stored[0]["attrs"] == {"quote_type": "direct"}
    (rel,) = spans.relations_of(db, doc["id"], layer)
    assert (rel["head_id"], rel["child_id"], rel["label"]) == (stored[0]["id"], stored[1]["id"], "SAID_BY")
    assert doc["meta"] == {"url": "http://x"}


def test_export_then_reimport_round_trips(db, tmp_path, db_path):
    from glose.db.connection import open_db

    rec = {"text": ARTICLE, "spans": [{"start": 2, "end": 24, "label": "CLAIM", "claim_type": "opinion"},
                                      {"start": 50, "end": 60, "label": "PER"}]}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec), encoding="utf-8")
    run_import(db, tmp_path / "a.jsonl", layer="gold")
    exported = list(exporter.records(db, "gold"))
    out = tmp_path / "out.jsonl"
    out.write_text("\n".join(json.dumps(r) for r in exported), encoding="utf-8")
    other = open_db(tmp_path / "other.db")
    run_import(other, out, layer="gold")
    again = list(exporter.records(other, "gold"))
    strip = lambda r: [(s["start"], s["end"], s["label"], s.get("claim_type")) for s in r["spans"]]
    assert strip(again[0]) == strip(exported[0]) and again[0]["text"] == ARTICLE


@pytest.mark.slow
def test_samples_with_the_french_model(db, nlp):
    report = importer.import_paths(db, [importer.Path("samples")], nlp=nlp, tokenizer_name="fr")
    assert len(report.imported) == 2 and not report.failed
    assert len(report.duplicates) >= 2  # the JSONL copy of the same articles
    suggestions = layers.find_layer(db, SUGGESTIONS)
    for doc_id in documents.document_ids(db):
        doc = documents.get_document(db, doc_id)
        stored = spans.spans_of(db, doc_id, suggestions)
        assert stored
        tokens = documents.get_tokens(db, doc_id)
        assert len(tokens.sent_starts) > 5
        for span in stored:
            assert 0 <= span["start"] < span["end"] <= len(doc["text"])
            assert doc["text"][span["start"]:span["end"]].strip() == doc["text"][span["start"]:span["end"]]


def test_progress_bar_on_a_terminal_only(tmp_path):
    import io

    from rich.console import Console

    from glose.cli import _ImportProgress

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    with _ImportProgress(terminal, total_bytes=1000) as progress:
        progress.update(500, 3, 1200)
        progress.progress.refresh()
    assert "3 docs" in screen.getvalue() and "words/s" in screen.getvalue()

    pipe = io.StringIO()
    with _ImportProgress(Console(file=pipe, force_terminal=False), total_bytes=1000) as progress:
        progress.update(500, 3, 1200)
    assert pipe.getvalue() == ""


def test_lone_surrogates_and_line_separators_in_jsonl(db, tmp_path):
    lines = [json.dumps({"text": "abc \ud800 def"}), json.dumps({"text": "a\u2028b c"}, ensure_ascii=False)]
    (tmp_path / "odd.jsonl").write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    report = run_import(db, tmp_path / "odd.jsonl")
    assert not report.failed and len(report.imported) == 2
    texts = sorted(documents.get_document(db, i)["text"] for i in documents.document_ids(db))
    assert texts == ["a\nb c", "abc \ufffd def"]


def test_titles_from_jsonl_are_one_visible_line(db, tmp_path):
    rec = {"text": "Corps.", "meta": {"title": "AAA\x1b]0;PWNED\x07BBB\nCCC"}}
    (tmp_path / "t.jsonl").write_text(json.dumps(rec), encoding="utf-8")
    run_import(db, tmp_path / "t.jsonl")
    title = only_doc(db)["title"]
    assert "\x1b" not in title and "\x07" not in title and "\n" not in title and title.startswith("AAA␛]0;PWNED")


def test_non_regular_files_are_refused_not_read(db, tmp_path):
    import os

    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    report = run_import(db, tmp_path / "fifo.txt", tmp_path / "zero.txt")
    reasons = dict(report.failed)
    assert "not a regular file" in reasons[str(tmp_path / "fifo.txt")]
    assert "not a regular file" in reasons[str(tmp_path / "zero.txt")]


def test_known_text_with_spans_fills_the_layer_once(db, tmp_path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    run_import(db, tmp_path / "a.txt")
    rec = {"text": ARTICLE, "spans": [{"start": 50, "end": 60, "label": "PER"}]}
    (tmp_path / "back.jsonl").write_text(json.dumps(rec), encoding="utf-8")
    report = run_import(db, tmp_path / "back.jsonl", layer="review")
    assert report.duplicates == [(str(tmp_path / "back.jsonl"), 1, "already imported; its 1 spans added to layer 'review'")]
    assert len(spans.spans_of(db, 1, layers.find_layer(db, "review"))) == 1
    again = run_import(db, tmp_path / "back.jsonl", layer="review")  # spans refused, never dropped silently
    assert again.duplicates == [] and "already has annotations in layer 'review'" in again.failed[0][1]
    assert len(spans.spans_of(db, 1, layers.find_layer(db, "review"))) == 1


def test_answer_and_relation_state_survive_import(db, tmp_path):
    claim = {"start": 2, "end": 24, "label": "CLAIM"}
    source = {"start": 50, "end": 60, "label": "PER"}
    rec = {"text": ARTICLE, "answer": "reject", "spans": [claim, source],
           "relations": [{"label": "SAID_BY", "head_span": claim, "child_span": source, "state": "accepted"}]}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec), encoding="utf-8")
    run_import(db, tmp_path / "a.jsonl", layer="x")
    layer = layers.find_layer(db, "x")
    assert {s["state"] for s in spans.spans_of(db, 1, layer)} == {"rejected"}
    assert [r["state"] for r in spans.relations_of(db, 1, layer)] == ["accepted"]


def test_long_text_is_parsed_in_pieces_into_one_doc(nlp):
    from glose.nlp import parse

    text = "« La paix est proche », a déclaré Jean Dupont à Genève.\n" * 400
    (doc, context), = list(parse(nlp, [(text, "ctx")], chunk_chars=2_000))
    assert doc.text == text and context == "ctx"
    assert len(list(doc.sents)) >= 400
    assert sum(1 for ent in doc.ents if ent.text == "Jean Dupont") >= 300


def test_over_a_million_characters_imports(db, tmp_path):
    raw = "Le président a déclaré que tout allait bien.\n" * 25_000  # 1.15 M characters
    (tmp_path / "huge.txt").write_text(raw, encoding="utf-8")
    report = run_import(db, tmp_path / "huge.txt", max_bytes=2_000_000)
    assert not report.failed and only_doc(db)["n_chars"] == len(raw)


def test_french_typography_reaches_the_model_plain_and_the_export_keeps_offsets(db, tmp_path, nlp):
    from spacy.tokens import Doc

    text = "Il a lancé\u00a0: «\u202fOn a gagné.\u202f» L’entraîneur s’est dit «\u00a0ravi\u00a0».\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    importer.import_paths(db, [tmp_path / "a.txt"], nlp=nlp)
    (record,) = exporter.records(db, "suggestions")
    claims = [s["text"] for s in record["spans"] if s["label"] == "CLAIM"]
    assert "On a gagné" in claims  # the colon and guillemets were seen, not hidden by a NBSP token
    assert not any(t["text"] in ("\u00a0", "\u202f") for t in record["tokens"])
    rebuilt = Doc(nlp.vocab, words=[t["text"] for t in record["tokens"]], spaces=[t["ws"] for t in record["tokens"]])
    assert rebuilt.text == text.replace("\u00a0", " ").replace("\u202f", " ")  # same offsets
    assert all(rebuilt.char_span(s["start"], s["end"]) is not None for s in record["spans"])
