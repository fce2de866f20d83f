"""The layering rules: db/ below everything, widgets/ without a database, NLP without Textual.

import-linter's contracts (pyproject.toml) run on an installed copy of glose: its graph
builder cannot follow the package-dir mapping (glose <- app/, glose.db <- db/) of the
editable install the suite runs on.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold(tmp_path):
    target = tmp_path / "site"
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # setuptools would ship a stale build/lib
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                            "--target", str(target), str(ROOT)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=tmp_path, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(target)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_db_and_nlp_load_without_textual():
    code = ("import sys, glose.db.connection, glose.db.edits, glose.importer, glose.exporter, glose.nlp,"
            " glose.suggest.engine, glose.source_matching;"
            " bad = [m for m in sys.modules if m.startswith(('textual', 'glose.widgets', 'glose.tui'))]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_labels_and_states_are_spelled_in_the_vocabulary_only():
    """Code names a label, relation or state through glose.vocabulary, never as a string of
    its own (docstrings aside; the migrations keep the schema as it was written)."""
    import ast

    from glose import vocabulary

    words = {*vocabulary.SPAN_LABELS, *vocabulary.RELATION_LABELS, *vocabulary.STATES}
    spelled = []
    for folder in ("app", "db", "widgets"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name in ("vocabulary.py", "migrations.py"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                          if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                          and node.body and isinstance(node.body[0], ast.Expr)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and node.value in words and id(node) not in docstrings:
                    spelled.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
                elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    quoted = {f"'{word}'" for word in words} & set(node.value.replace("(", " ").split())
                    spelled += [f"{path.relative_to(ROOT)}:{node.lineno}: {word} in SQL" for word in quoted]
    assert not spelled, "\n".join(spelled)


def test_no_sql_outside_db():
    """Every SQL statement is in db/: the app and the widgets call its functions."""
    import ast
    import re

    statement = re.compile(r"\b(SELECT\b.*\bFROM|INSERT (OR \w+ )?INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA \w+|"
                           r"CREATE (TABLE|INDEX|TRIGGER)|DROP (TABLE|INDEX|TRIGGER)|BEGIN IMMEDIATE)\b")
    found = []
    for folder in ("app", "widgets"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and statement.match(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:40]!r}")
                elif isinstance(node, ast.Attribute) and node.attr in ("execute", "executemany", "executescript"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}(...)")
    assert not found, "\n".join(found)
