"""``glose stats``: what a database holds."""
from __future__ import annotations

from pathlib import Path

import sqlite_utils
from rich.console import Group
from rich.table import Table
from rich.text import Text

from glose.plaintext import visible


def render_stats(db: sqlite_utils.Database, path: Path) -> Group:
    n_docs, n_words = db.execute("SELECT count(*), coalesce(sum(n_words), 0) FROM documents WHERE complete").fetchone()
    head = Text(f"{visible(str(path))}: {n_docs} document(s), {n_words:,} words")
    table = Table("layer", "kind", "documents", "spans", "claims", "entities", "relations",
                  "pending", "accepted", "rejected", title=None, box=None, pad_edge=False)
    rows = db.execute(
        """
        SELECT layers.name, layers.kind,
               (SELECT count(DISTINCT doc_id) FROM spans WHERE layer_id = layers.id),
               (SELECT count(*) FROM spans WHERE layer_id = layers.id),
               (SELECT count(*) FROM spans WHERE layer_id = layers.id AND label = 'CLAIM'),
               (SELECT count(*) FROM spans WHERE layer_id = layers.id
                   AND label IN ('PER', 'ORG', 'LOC', 'MISC')),
               (SELECT count(*) FROM relations WHERE layer_id = layers.id),
               (SELECT count(*) FROM spans WHERE layer_id = layers.id AND state = 'pending'),
               (SELECT count(*) FROM spans WHERE layer_id = layers.id AND state = 'accepted'),
               (SELECT count(*) FROM spans WHERE layer_id = layers.id AND state = 'rejected')
        FROM layers ORDER BY layers.id
        """
    ).fetchall()
    for row in rows:
        # Plain Text cells: layer names come from users and are never markup.
        table.add_row(*(Text(visible(str(value))) for value in row))
    parts = [head, table if rows else Text("no layers yet")]
    done = db.execute(
        "SELECT annotators.name, count(*) FROM doc_status JOIN annotators ON annotators.id = annotator_id"
        " WHERE status = 'done' GROUP BY annotators.name ORDER BY annotators.name"
    ).fetchall()
    for name, count in done:
        parts.append(Text(f"{visible(name)}: {count} document(s) done"))
    return Group(*parts)
