"""SIGKILL of the real app in a real terminal (tmux): every change the database had
committed is there after the kill, and the app opens the file again and undoes."""
from __future__ import annotations

import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import time

import pytest

from glose.db.connection import open_db
from glose.db.edits import Editor
from tests.reliability.conftest import budget
from tests.test_e2e_tmux import Tmux, glose_command
from tests.tui_data import build

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it with apt)")
KEYS = [["n", "a"], ["n", "x"], ["e", "a"], ["p", "X"], ["u"], ["C-r"], ["n", "t"], ["n", "exclamation_mark"]]
KEYS = [[key.replace("exclamation_mark", "!") for key in keys] for keys in KEYS]


def layer_state(db_path) -> tuple:
    conn = sqlite3.connect(db_path)
    try:
        return (tuple(conn.execute("SELECT s.id, s.label, s.state, s.attrs FROM spans s JOIN layers l"
                                   " ON l.id = s.layer_id WHERE l.name = 'killed' ORDER BY s.id")),
                tuple(conn.execute("SELECT r.id, r.state FROM relations r JOIN layers l ON l.id = r.layer_id"
                                   " WHERE l.name = 'killed' ORDER BY r.id")))
    finally:
        conn.close()


def last_event(db_path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    finally:
        conn.close()


def glose_pids(db_path) -> list[int]:
    done = subprocess.run(["pgrep", "-f", "--", f"--db {db_path}"], capture_output=True, text=True)
    return [int(pid) for pid in done.stdout.split()]


def start(tmux: Tmux, tmp_path, db_path, doc: int) -> None:
    command = " ".join(shlex.quote(part) for part in [
        "env", "-u", "COLUMNS", "-u", "LINES", "TERM=xterm-256color",
        *glose_command(), "--db", str(db_path), "--annotator", "killed", "open", str(doc)])
    tmux("new-session", "-d", "-s", "glose", "-x", "100", "-y", "30", "-c", str(tmp_path), command)
    tmux.wait_for(lambda s: re.search(r"killed · \d+ claims? · ", s) and "saved" in s, "the article's status line")


def test_sigkill_of_the_app_loses_no_committed_change(tmp_path):
    rng = random.Random(17)
    for trial in range(budget(2, 12)):
        db_path = tmp_path / f"trial{trial}.db"
        doc = build(open_db(db_path))
        tmux = Tmux(tmp_path)
        try:
            start(tmux, tmp_path, db_path, doc)
            committed = layer_state(db_path)
            for _ in range(rng.randint(2, 6)):
                seen = last_event(db_path)
                tmux("send-keys", "-t", "glose", *rng.choice(KEYS))
                deadline = time.monotonic() + 3
                while last_event(db_path) == seen and time.monotonic() < deadline:
                    time.sleep(0.05)
                time.sleep(0.1)
                committed = layer_state(db_path)
            before_last = last_event(db_path)
            last_keys = rng.choice(KEYS)
            tmux("send-keys", "-t", "glose", *last_keys)  # the last change may be in flight
            time.sleep(rng.uniform(0, 0.15))
            pids = glose_pids(db_path)
            assert pids, "glose is not running"
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            time.sleep(0.2)
            tmux.kill()
            conn = sqlite3.connect(db_path)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
            after = layer_state(db_path)
            if after != committed:
                # Only the last key's change may have landed, whole: taking it back gives back
                # exactly what was committed before it (checked on a copy).
                assert last_event(db_path) > before_last, "the layer changed without an event"
                copy = tmp_path / f"copy{trial}.db"
                source = sqlite3.connect(db_path)
                target = sqlite3.connect(copy)
                source.backup(target)
                source.close()
                target.close()
                editor = Editor(open_db(copy), "killed", doc)
                assert (editor.redo() if last_keys == ["u"] else editor.undo()) is not None
                assert layer_state(copy) == committed, "a change committed before the kill is missing"
            # The app opens the killed file again, and its history works.
            tmux = Tmux(tmp_path)
            start(tmux, tmp_path, db_path, doc)
            tmux("send-keys", "-t", "glose", "u")
            time.sleep(0.5)
            assert re.search(r"killed · \d+ claims? · ", tmux.screen())
        finally:
            tmux.kill()
