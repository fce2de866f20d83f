"""The layering rules of the brief: db/ below everything, widgets/ without a database."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_linter_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_db_and_nlp_load_without_textual():
    code = ("import sys, db.connection, db.edits, app.importer, app.exporter, app.nlp, app.suggest.engine;"
            " bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'widgets')]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
