"""`StatusLine`: who annotates which document, what is left, and whether it is saved."""
from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

from glose.plaintext import one_line
from glose.vocabulary import PENDING

SAVE_STATES = ("saved", "saving", "not saved", "read-only")


class StatusLine(Widget):
    """A one-line status: annotator · pending counts · save state · the claim · selection.

    The save state says whether the database holds every change: ``saved``;
    ``saving`` while a change waits for the database; ``not saved`` when the
    last change failed (the reason follows); ``read-only`` when nothing can be
    written (the reason follows).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-line--annotator",
        "status-line--pending",
        "status-line--saved",
        "status-line--unsaved",
    }
    """
    | Class | Description |
    | :- | :- |
    | `status-line--annotator` | The annotator's name. |
    | `status-line--pending` | The pending count, when not zero. |
    | `status-line--saved` | "saved". |
    | `status-line--unsaved` | "saving…", "not saved: …" or "read-only: …": the database lacks a change, or takes none. |
    """

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .status-line--annotator { text-style: bold; }
        & > .status-line--pending { color: $text-warning; text-style: bold; }
        & > .status-line--saved { color: $text-success; }
        & > .status-line--unsaved { color: $text-error; text-style: bold reverse; }
    }
    """

    annotator: reactive[str] = reactive("")
    """The annotator's name (their layer)."""

    document: reactive[str] = reactive("")
    """The document's title (untrusted: shown as plain text)."""

    pending_claims: reactive[int] = reactive(0)
    """How many claims of the document are still pending."""

    pending_entities: reactive[int] = reactive(0)
    """How many entities and source mentions of the document are still pending."""

    save_state: reactive[str] = reactive("saved")
    """One of ``SAVE_STATES``: whether every change is committed."""

    save_note: reactive[str] = reactive("")
    """Why a change is waiting, failed, or cannot be made (untrusted: plain text)."""

    claim: reactive[str] = reactive("")
    """The text of the claim that cues and sources attach to (untrusted: plain text);
    shown before the selection, so that a narrow terminal cuts the selection first."""

    detail: reactive[str] = reactive("")
    """What is selected, shown last (untrusted: plain text)."""

    def render(self) -> Content:
        def style(name: str) -> Style:
            return Style.from_rich_style(self.get_component_rich_style(f"status-line--{name}", partial=True))

        pending = (f"{self.pending_claims} claim{'s' if self.pending_claims != 1 else ''} ·"
                   f" {self.pending_entities} entit{'ies' if self.pending_entities != 1 else 'y'} pending")
        return Content(" · ").join(
            [
                Content.assemble((one_line(self.annotator), style("annotator"))),
                *([Content(one_line(self.document))] if self.document else []),
                Content.assemble((pending, style(PENDING))
                                 if self.pending_claims or self.pending_entities else pending),
                self._save_content(style),
                *([Content.assemble(("→ claim: ", style("annotator")), one_line(self.claim))] if self.claim else []),
                *([Content(one_line(self.detail))] if self.detail else []),
            ]
        )

    def _save_content(self, style) -> Content:
        if self.save_state == "saved":
            return Content.assemble(("saved", style("saved")))
        word = "saving…" if self.save_state == "saving" else f"{self.save_state}:"
        return Content.assemble((f"{word} {one_line(self.save_note)}".strip(), style("unsaved")))
