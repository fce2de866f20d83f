"""Damaged and read-only databases: every command answers in one line, exit 2, and the file
is left exactly as it was (the real CLI, in a subprocess, on real damaged files)."""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from glose.db.connection import open_db
from tests.conftest import ROOT, SAMPLES
from tests.tui_data import build

PAGE = 4096


def _glose_db(path: Path) -> Path:
    """A real glose database, fully checkpointed into the main file (no -wal beside it)."""
    db = open_db(path)
    build(db)
    from glose.textnorm import normalize
    from tests.tui_data import add_doc

    add_doc(db, normalize(" ".join(f"Phrase {i} selon l'ONU." for i in range(20_000))), "Long")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("PRAGMA journal_mode = DELETE")  # a file copied elsewhere: no WAL files at all
    db.close()
    return path


def _truncate(size):
    def damage(path: Path) -> None:
        with path.open("r+b") as handle:
            handle.truncate(size(path.stat().st_size))
    return damage


def _garbage_page(path: Path) -> None:
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as handle:
        handle.seek((pages // 2) * PAGE)
        handle.write(bytes((i * 7 + 13) % 256 for i in range(PAGE)))


def _sql(statement):
    def damage(path: Path) -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute(statement)
        conn.close()
    return damage


DAMAGES = {
    "truncated to 100 B": _truncate(lambda size: 100),
    "truncated to 4 KB": _truncate(lambda size: 4096),
    "truncated to half": _truncate(lambda size: (size // 2 // PAGE) * PAGE),
    "one page short": _truncate(lambda size: size - PAGE),
    "a page of garbage": _garbage_page,
    "a missing table": _sql("DROP TABLE relations"),
    "a lowered user_version": _sql("PRAGMA user_version = 1"),
}

COMMANDS = {
    "stats": ["stats"],
    "export": ["export", "--layer", "suggestions"],
    "import": ["import", "--no-nlp", str(SAMPLES / "alep-ban-ki-moon-atrocites.txt")],
    "suggest": ["suggest"],
    "eval": ["eval", "--gold", str(ROOT / "tests" / "data" / "gold_blind.jsonl")],
    "open": ["open", "1"],
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sound_db(tmp_path_factory) -> Path:
    return _glose_db(tmp_path_factory.mktemp("sound") / "glose.db")


def glose(*args: str, db: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GLOSE_DB": str(db), "GLOSE_ANNOTATOR": "alice"}
    return subprocess.run([sys.executable, "-m", "glose", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=120, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("damage", DAMAGES)
def test_every_command_refuses_a_damaged_file_in_one_line(tmp_path, sound_db, damage):
    path = tmp_path / "glose.db"
    shutil.copy(sound_db, path)
    DAMAGES[damage](path)
    digest = _digest(path)
    for name, args in COMMANDS.items():
        done = glose(*args, db=path)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2, (name, done.returncode, done.stderr, done.stdout[:200])
        assert len(lines) == 1 and "Traceback" not in done.stderr, (name, done.stderr)
        assert "damaged" in lines[0] or "not a glose database" in lines[0], (name, lines[0])
        assert _digest(path) == digest, f"{name} changed the damaged file"
        assert not any(p.name.startswith("glose.db-") and p.stat().st_size for p in tmp_path.iterdir()), name


@pytest.fixture
def read_only_mount(tmp_path):
    """``read_only_mount(path)``: the file or folder ``path``, seen again through a read-only
    bind mount (read-only for root too, as on a read-only share); skipped where nothing can be mounted."""
    mounts = []

    def mount(source: Path) -> Path:
        target = tmp_path / f"ro-{len(mounts)}-{source.name}"
        target.mkdir() if source.is_dir() else target.touch()
        done = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("no bind mount here (needs root and a kernel that allows it)")
        mounts.append(target)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True, capture_output=True)
        return target

    yield mount
    for target in reversed(mounts):
        subprocess.run(["umount", "-l", str(target)], capture_output=True)


def _wal_copy(sound_db: Path, folder: Path) -> Path:
    """A copy of the database as a team's file is: in WAL mode."""
    folder.mkdir(exist_ok=True)
    path = folder / "glose.db"
    shutil.copy(sound_db, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    return path


def test_a_read_only_folder_can_be_read_and_says_why_it_cannot_be_written(sound_db, tmp_path, read_only_mount):
    path = read_only_mount(_wal_copy(sound_db, tmp_path / "share").parent) / "glose.db"
    digest = _digest(path)
    stats = glose("stats", db=path)
    assert stats.returncode == 0 and "3 document(s)" in stats.stdout, stats.stderr
    export = glose("export", "--layer", "suggestions", db=path)
    assert export.returncode == 0 and export.stdout.count("\n") == 1, export.stderr
    for args in (COMMANDS["import"], COMMANDS["suggest"]):
        done = glose(*args, db=path)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert "cannot be written" in done.stderr and "read-only" in done.stderr
    assert _digest(path) == digest


def test_a_read_only_file_in_a_writable_folder(sound_db, tmp_path, read_only_mount):
    original = _wal_copy(sound_db, tmp_path / "share")
    path = original.with_name("mounted.db")
    path.touch()
    subprocess.run(["mount", "--bind", str(original), str(path)], capture_output=True)
    done = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True)
    try:
        if done.returncode != 0:
            pytest.skip("no bind mount here (needs root and a kernel that allows it)")
        digest = _digest(path)
        assert glose("stats", db=path).returncode == 0
        done = glose(*COMMANDS["import"], db=path)
        assert done.returncode == 2 and "the file is read-only" in done.stderr, done.stderr
        assert _digest(path) == digest
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_export_onto_a_read_only_folder_fails_in_one_line(sound_db, tmp_path, read_only_mount):
    out_folder = tmp_path / "out"
    out_folder.mkdir()
    target = read_only_mount(out_folder)
    done = glose("export", "--layer", "suggestions", "--out", str(target / "out.jsonl"), db=sound_db)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and "cannot write" in done.stderr
    assert not list(out_folder.iterdir())


async def test_the_app_opens_a_read_only_file_read_only(sound_db, tmp_path, read_only_mount):
    from glose.tui.app import GloseApp
    from glose.tui.article_screen import ArticleScreen

    path = read_only_mount(_wal_copy(sound_db, tmp_path / "share").parent) / "glose.db"
    digest = _digest(path)
    app = GloseApp(path, annotator="alice", doc_id=1)
    assert app.read_only == "the file is read-only"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        assert len(screen.model.claims) == 2  # alice has no layer yet: the suggestions are shown
        await pilot.press("n", "a", "5", "u")
        await pilot.pause()
        assert "read-only: the file is read-only" in screen.query_one("StatusLine").render_line(0).text
        assert app.is_running
    assert _digest(path) == digest
