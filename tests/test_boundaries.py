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
            " glose.suggest.engine; bad = [m for m in sys.modules if m.startswith(('textual', 'glose.widgets',"
            " 'glose.tui'))]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
