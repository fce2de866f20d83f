"""The annotator survives database faults: it says "not saved" and why, shows the database
as it is, and a retry works. Every test drives the real app with real keys."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess

import pytest

from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.errors import DatabaseRefused
from glose.tui.article_screen import ArticleScreen
from tests.test_tui_annotator import app_for, open_article, rows
from tests.tui_data import at


def status_text(screen) -> str:
    return screen.query_one("StatusLine").render_line(0).text


async def wait_for(pilot, predicate, what: str, seconds: float = 5.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def first_claim_state(db_path) -> str:
    return rows(db_path)["« La paix est proche »"][1]


async def test_an_edit_waits_for_a_lock_saying_saving_then_saves(db_path, shared_doc):
    async with app_for(db_path, shared_doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        locker = sqlite3.connect(db_path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        await pilot.press("n", "a")
        await pilot.pause(0.3)
        assert "saving… waiting for the database" in status_text(screen)
        assert "· saved" not in status_text(screen)
        assert first_claim_state(db_path) == "pending"
        await pilot.press("j")  # the screen still answers (a key that does nothing here)
        locker.execute("COMMIT")
        locker.close()
        await wait_for(pilot, lambda: "· saved" in status_text(screen), "the retry to save")
    assert first_claim_state(db_path) == "accepted"


async def test_a_lock_held_too_long_is_not_saved_and_can_be_retried(db_path, shared_doc, monkeypatch):
    monkeypatch.setattr(ArticleScreen, "LOCK_PATIENCE_S", 0.6)
    async with app_for(db_path, shared_doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        locker = sqlite3.connect(db_path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        await pilot.press("n", "a")
        await wait_for(pilot, lambda: "not saved: the database is busy" in status_text(screen), "giving up")
        assert first_claim_state(db_path) == "pending"
        assert screen.model.spans[screen.current]["state"] == "pending"  # the screen shows the database
        locker.execute("ROLLBACK")
        locker.close()
        await pilot.press("a")  # retry
        await wait_for(pilot, lambda: "· saved" in status_text(screen), "the retry")
    assert first_claim_state(db_path) == "accepted"


async def test_a_read_only_database_mid_session_is_not_saved_then_retried(db_path, shared_doc):
    async with app_for(db_path, shared_doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        pilot.app.db.execute("PRAGMA query_only = ON")  # SQLite now refuses every write
        await pilot.press("n", "a")
        await pilot.pause()
        assert "not saved: the database file is read-only" in status_text(screen)
        await pilot.press("u", "5", "delete")  # more writes: each refused, none crashes
        await pilot.pause()
        assert pilot.app.is_running
        assert first_claim_state(db_path) == "pending"
        pilot.app.db.execute("PRAGMA query_only = OFF")
        await pilot.press("a")
        await pilot.pause()
        assert "· saved" in status_text(screen)
    assert first_claim_state(db_path) == "accepted"


async def test_an_action_on_a_claim_deleted_in_another_window_is_refused(db_path, shared_doc):
    async with app_for(db_path, shared_doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("n")
        claim = screen.current
        for timer in screen._timers:  # freeze the screen's view of the file: it still shows the claim
            timer.pause()
        other_window = Editor(open_db(db_path), "alice", shared_doc)
        other_window.delete_span(claim)
        await pilot.press("a")
        await pilot.pause()
        assert "not saved: that annotation no longer exists" in status_text(screen)
        assert claim not in screen.model.spans  # the screen now shows the database
        await pilot.press("t", "!", "x")  # keys on what is gone: refused or nothing selected
        await pilot.pause()
        assert pilot.app.is_running
    assert "« La paix est proche »" not in rows(db_path)


async def test_changes_from_another_window_appear_by_themselves(db_path, shared_doc):
    async with app_for(db_path, shared_doc).run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        other_window = Editor(open_db(db_path), "alice", shared_doc)
        new = other_window.add_span(*at("Une source diplomatique"), "SOURCE")
        await wait_for(pilot, lambda: new in screen.model.spans, "the other window's span", seconds=4)
        assert new in screen.query_one("ArticleView").highlights
        await pilot.press("u")  # one annotator, one history: the undo takes back the newest change
        await pilot.pause()
        assert new not in screen.model.spans
    assert "Une source diplomatique" not in rows(db_path)


async def test_read_only_mode_writes_nothing(db_path, shared_doc):
    Editor(open_db(db_path), "alice", shared_doc).seed()
    before = hashlib.sha256(db_path.read_bytes()).hexdigest()
    app = app_for(db_path, shared_doc)
    app = type(app)(db_path, annotator="alice", doc_id=shared_doc, read_only=True)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_article(pilot, pilot.app)
        await pilot.press("n", "a", "x", "5", "u", "d")
        await pilot.pause()
        assert "read-only: opened with --read-only" in status_text(screen)
        assert len(screen.model.claims) == 2  # the annotator's layer is shown
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == before
    assert first_claim_state(db_path) == "pending"


async def test_a_damaged_file_found_in_the_background_turns_the_app_read_only(tmp_path, monkeypatch):
    """A file too large to check before the app opens is checked in the background."""
    from glose.db import connection
    from glose.textnorm import normalize
    from tests.tui_data import add_doc

    path = tmp_path / "damaged.db"
    db = open_db(path)
    long_text = normalize(" ".join(f"Mot{i} selon l'ONU." for i in range(40_000)))
    doc = add_doc(db, long_text, "Long")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = path.stat().st_size
    with path.open("r+b") as handle:  # a page of garbage in the middle (the text's overflow pages)
        handle.seek((size // 4096 // 2) * 4096)
        handle.write(os.urandom(4096))
    with pytest.raises(DatabaseRefused, match="damaged"):  # small enough: checked at once
        app_for(path, doc)
    monkeypatch.setattr(connection, "QUICK_CHECK_MAX_BYTES", 0)
    app = app_for(path, doc)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await wait_for(pilot, lambda: bool(pilot.app.read_only), "the background check")
        assert "damaged" in pilot.app.read_only
        if isinstance(pilot.app.screen, ArticleScreen):
            await pilot.press("n", "a")
            await pilot.pause()
        assert pilot.app.is_running


def _small_filesystem(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1536k", "tmpfs", str(mount)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("no small filesystem can be mounted here (needs root and a kernel that allows it)")
    return mount


async def test_a_full_disk_is_not_saved_and_can_be_retried(tmp_path):
    mount = _small_filesystem(tmp_path)
    try:
        from tests.tui_data import build

        path = mount / "glose.db"
        doc = build(open_db(path))
        async with app_for(path, doc).run_test(size=(100, 30)) as pilot:
            screen = await open_article(pilot, pilot.app)
            filler = mount / "filler"
            with filler.open("wb", buffering=0) as handle:  # fill the disk to the last byte
                try:
                    while True:
                        handle.write(b"\0" * 4096)
                        handle.flush()
                except OSError:
                    pass
            for _ in range(50):  # enough changes to need new pages
                await pilot.press("n", "m", *"une note assez longue pour remplir des pages " * 4, "enter")
                await pilot.pause()
                if "not saved" in status_text(screen):
                    break
            assert "not saved: the disk is full" in status_text(screen)
            assert pilot.app.is_running
            filler.unlink()
            await pilot.press("n", "a")
            await pilot.pause()
            assert "· saved" in status_text(screen)
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
