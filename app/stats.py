"""``glose stats``: what a database holds."""
from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

import sqlite_utils
from rich.console import Group
from rich.table import Table
from rich.text import Text

from glose.db import assignments, documents, layers
from glose.plaintext import visible
from glose.vocabulary import GOLD, STATES


def layer_table(rows: list[layers.LayerCounts]) -> Table | Text:
    """One line per layer with its counts (``glose stats``, ``glose layers``)."""
    if not rows:
        return Text("no layers yet")
    table = Table("layer", "kind", "documents", "spans", "claims", "entities", "relations",
                  *STATES, title=None, box=None, pad_edge=False)
    for row in rows:
        # Plain Text cells: layer names come from users and are never markup.
        table.add_row(*(Text(visible(str(value))) for value in astuple(row)))
    return table


def render_stats(db: sqlite_utils.Database, path: Path) -> Group:
    n_docs, n_words = documents.totals(db)
    head = Text(f"{visible(str(path))}: {n_docs} document(s), {n_words:,} words")
    rows = layers.counts(db)
    parts = [head, layer_table(rows)]
    for name, count in layers.done_counts(db):
        if name != GOLD:
            parts.append(Text(f"{visible(name)}: {count} document(s) done"))
    states = assignments.progress(db).values()
    ready = sum(assignments.in_view(assignments.READY, state, "") for state in states)
    adjudicated = sum(state["adjudicated"] for state in states)
    parts.append(Text(f"adjudication: {adjudicated} of {n_docs} document(s) adjudicated into {GOLD},"
                      f" {ready} ready to adjudicate"))
    return Group(*parts)
