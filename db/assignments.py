"""Who annotates which document (``glose assign``), and where each document stands
on the way to gold: the views of the document list."""
from __future__ import annotations

from collections import Counter

import sqlite_utils

from glose.db import layers
from glose.db.transaction import write
from glose.vocabulary import DONE, GOLD


def assign(db: sqlite_utils.Database, doc_ids: list[int], names: list[str]) -> int:
    """Assign every document to every one of the annotators (one transaction); returns
    how many assignments are new."""
    with write(db):
        ids = [layers.annotator_id(db, name) for name in names]
        before = db.execute("SELECT count(*) FROM assignments").fetchone()[0]
        db.conn.executemany("INSERT OR IGNORE INTO assignments (doc_id, annotator_id) VALUES (?, ?)",
                            [(doc, who) for doc in doc_ids for who in ids])
        return db.execute("SELECT count(*) FROM assignments").fetchone()[0] - before


def balanced(db: sqlite_utils.Database, doc_ids: list[int], names: list[str], each: int) -> dict[str, list[int]]:
    """Which documents to give whom so that each document has ``each`` annotators among
    ``names`` (counting those it has), the load kept even: returns {name: [doc ids]}."""
    load = Counter({name: 0 for name in names})
    held: dict[int, set[str]] = {doc: set() for doc in doc_ids}
    for doc, name in db.execute("SELECT s.doc_id, a.name FROM assignments s JOIN annotators a"
                                " ON a.id = s.annotator_id"):
        if name in load:
            load[name] += 1
            if doc in held:
                held[doc].add(name)
    plan: dict[str, list[int]] = {name: [] for name in names}
    for doc in doc_ids:
        for name in sorted((n for n in names if n not in held[doc]), key=lambda n: (load[n], names.index(n))):
            if len(held[doc]) >= each:
                break
            held[doc].add(name)
            load[name] += 1
            plan[name].append(doc)
    return plan


def progress(db: sqlite_utils.Database) -> dict[int, dict]:
    """For each document: who it is assigned to, who marked it done, whether it is
    adjudicated."""
    out: dict[int, dict] = {}
    for (doc,) in db.execute("SELECT id FROM documents WHERE complete"):
        out[doc] = {"assigned": set(), "working": set(), "done": set(), "adjudicated": False}
    for doc, name in db.execute("SELECT s.doc_id, a.name FROM assignments s JOIN annotators a ON a.id = s.annotator_id"):
        if doc in out:
            out[doc]["assigned"].add(name)
    for doc, name, status in db.execute(
            "SELECT st.doc_id, a.name, st.status FROM doc_status st JOIN annotators a ON a.id = st.annotator_id"):
        if doc not in out:
            continue
        if name == GOLD:
            out[doc]["adjudicated"] = status == DONE
        else:
            out[doc]["working"].add(name)
            if status == DONE:
                out[doc]["done"].add(name)
    return out


MINE, NEEDS_SECOND, READY, ADJUDICATED = "mine", "needs a second annotator", "ready to adjudicate", "adjudicated"
VIEWS = (MINE, NEEDS_SECOND, READY, ADJUDICATED)


def in_view(view: str, state: dict, annotator: str) -> bool:
    """Whether a document (its ``progress`` entry) belongs in a view of the list."""
    people = state["assigned"] | state["working"]
    if view == MINE:
        return annotator in state["assigned"]
    if view == NEEDS_SECOND:
        return len(people) < 2 and not state["adjudicated"]
    if view == READY:
        expected = state["assigned"] or state["working"]
        return len(expected) >= 2 and expected <= state["done"] and not state["adjudicated"]
    return bool(state["adjudicated"])
