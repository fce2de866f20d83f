"""End to end: the real ``glose`` CLI in a real terminal (tmux), keys typed, database checked.

Imports ``samples/`` with the real French model through the CLI, opens ``glose`` in a
detached tmux session of 100x30 with ``TERM=xterm-256color``, presses Enter (first
document), ``n`` (first claim), ``a`` (accept the whole frame), ``q``, waits for the
process to exit and checks in SQLite that the first claim of the document is accepted in
the annotator's layer together with its cue and source and both relations.

The tmux server runs on a private socket and is always killed. The app's stderr is not
redirected: Textual draws on it.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
ANNOTATOR = "e2e"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (.ci/run installs it with apt)")


def glose_command() -> list[str]:
    """The installed ``glose`` entry point next to this interpreter, else ``python -m glose``."""
    script = Path(sys.executable).parent / "glose"
    return [str(script)] if script.exists() else [sys.executable, "-m", "glose"]


def clean_env() -> dict[str, str]:
    """``os.environ`` without COLUMNS/LINES/NO_COLOR, as an explicit dict.

    Under pytest, GNU readline (imported by pdb) exports COLUMNS=80 and LINES=24 into the
    C environment, which ``subprocess`` passes on when ``env`` is not given: the tmux
    server would inherit them and Textual would draw 80x24 in a 100x30 pane.
    """
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    return env


class Tmux:
    """One tmux server on a private socket, with its own (empty) configuration."""

    def __init__(self, tmp_path: Path):
        self.socket = f"glose-test-{os.getpid()}"
        self.conf = tmp_path / "tmux.conf"
        # remain-on-exit keeps the last screen after glose exits, for the failure messages.
        self.conf.write_text("set -g remain-on-exit on\nset -g default-terminal xterm-256color\n"
                             "set -g history-limit 0\n")

    def __call__(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, "-f", str(self.conf), *args],
                              capture_output=True, text=True, timeout=20, env=clean_env())
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "glose")

    def pane(self, fmt: str) -> str:
        return self("display-message", "-p", "-t", "glose", fmt).strip()

    def wait_for(self, predicate, what: str, timeout: float = 60.0):
        """Poll the screen until ``predicate(screen)`` is truthy; return its value."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            if self.pane("#{pane_dead}") == "1":
                raise AssertionError(f"glose exited while waiting for {what}:\n{self.screen()}")
            screen = self.screen()
            found = predicate(screen)
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}; the screen:\n{screen}")

    def kill(self) -> None:
        """Kill this server (and glose with it) and remove its socket file."""
        socket_path = self("display-message", "-p", "#{socket_path}", check=False).strip()
        self("kill-server", check=False)
        if socket_path.endswith(self.socket):
            Path(socket_path).unlink(missing_ok=True)


def pending_count(screen: str) -> int | None:
    """The pending items of the article status line
    (e.g. 'e2e · 8 claims · 55 entities pending · saved'): claims and entities."""
    match = re.search(rf"{ANNOTATOR} · (\d+) claims? · (\d+) entit(?:y|ies) pending", screen)
    return int(match.group(1)) + int(match.group(2)) if match else None


def test_accept_first_claim_in_a_real_terminal(tmp_path):
    db_path = tmp_path / "e2e.db"
    env = clean_env()
    imported = subprocess.run([*glose_command(), "--db", str(db_path), "import", str(SAMPLES)],
                              cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert imported.returncode == 0, imported.stderr + imported.stdout

    conn = sqlite3.connect(db_path)
    first_doc, first_title = conn.execute("SELECT id, title FROM documents ORDER BY id LIMIT 1").fetchone()
    conn.close()

    tmux = Tmux(tmp_path)
    # glose runs under sh, which writes its exit status to a file: tmux 3.3 may mark the pane
    # dead before it reaps the process, or never reap it (tmux/tmux#4841, #311).
    status_file = tmp_path / "glose.status"
    command = " ".join(shlex.quote(part) for part in [
        "sh", "-c", 'env -u COLUMNS -u LINES TERM=xterm-256color "$@"; echo $? > "$0"', str(status_file),
        *glose_command(), "--db", str(db_path), "--annotator", ANNOTATOR])
    try:
        tmux("new-session", "-d", "-s", "glose", "-x", "100", "-y", "30", "-c", str(tmp_path), command)
        # The document list: the progress line and the first document's title.
        listed = tmux.wait_for(lambda s: f"annotator {ANNOTATOR}" in s and first_title[:20] in s and s,
                               "the document list")
        # The app measured the real terminal: it fills the 100 columns, not a default 80.
        assert max(len(line.rstrip()) for line in listed.splitlines()) > 90, listed

        tmux("send-keys", "-t", "glose", "Enter")
        before = tmux.wait_for(pending_count, "the article screen's status line")

        tmux("send-keys", "-t", "glose", "n")
        tmux.wait_for(lambda s: "saved · → claim: " in s, "the first claim to be selected")

        tmux("send-keys", "-t", "glose", "a")
        after = tmux.wait_for(lambda s: (pending_count(s) or before) < before and pending_count(s),
                              "the pending count to drop after accepting")
        assert "saved" in tmux.screen()
        assert before - after >= 2, (before, after)  # the claim and its source (cues are neither)

        tmux("send-keys", "-t", "glose", "q")
        deadline = time.monotonic() + 30
        while not status_file.exists() or not status_file.read_text().strip():
            assert time.monotonic() < deadline, f"glose did not exit after q:\n{tmux.screen()}"
            time.sleep(0.1)
        assert status_file.read_text().strip() == "0", tmux.screen()
    finally:
        tmux.kill()

    conn = sqlite3.connect(db_path)
    layer = conn.execute("SELECT l.id FROM layers l JOIN annotators a ON a.id = l.annotator_id"
                         " WHERE a.name = ? AND l.kind = 'annotator'", [ANNOTATOR]).fetchone()
    assert layer, "no layer for the e2e annotator"
    layer_id = layer[0]
    assert {d for (d,) in conn.execute("SELECT DISTINCT doc_id FROM spans WHERE layer_id = ?", [layer_id])} \
        == {first_doc}, "only the first document of the list was opened"
    claims = conn.execute("SELECT id, start, state FROM spans WHERE layer_id = ? AND doc_id = ?"
                          " AND label = 'CLAIM' ORDER BY start, end", [layer_id, first_doc]).fetchall()
    assert claims, "the e2e layer has no claims"
    first_claim, _, state = claims[0]
    assert state == "accepted", claims
    assert all(s != "accepted" for _, _, s in claims[1:]), "only the first claim was accepted"
    related = conn.execute(
        "SELECT r.label, r.state, c.label, c.state FROM relations r JOIN spans c ON c.id = r.child_id"
        " WHERE r.layer_id = ? AND r.head_id = ? AND r.state != 'rejected'", [layer_id, first_claim]).fetchall()
    conn.close()
    by_label = {}
    for rel_label, rel_state, child_label, child_state in related:
        by_label.setdefault(rel_label, []).append((rel_state, child_label, child_state))
    assert by_label.get("CUE"), f"the first claim has no cue relation: {related}"
    assert by_label.get("SAID_BY"), f"the first claim has no source relation: {related}"
    for rel_label, items in by_label.items():
        for rel_state, _child_label, child_state in items:
            assert rel_state == "accepted" and child_state == "accepted", (rel_label, items)
    assert {child for _, child, _ in by_label["CUE"]} == {"CUE"}
