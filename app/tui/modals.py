"""Small dialogs of the annotator: pick one of several, or type a value.

Both return their answer through ``dismiss`` (None when cancelled with
escape). Every label shown is plain ``Content`` on one line with control
characters replaced: names and texts come from articles and imports, and are
never markup nor terminal escapes.
"""
from __future__ import annotations

from typing import Any, Callable, Generic, Sequence, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from glose.plaintext import one_line

T = TypeVar("T")

def _modal_css(name: str) -> str:
    """A dialog's rules, for the screen class ``name``. Textual scopes a screen's
    DEFAULT_CSS under its own type: a rule must start with the class's own name
    (a rule on ``ModalScreen`` would match nothing, and the dialog would fill the
    screen with no border)."""
    return f"""
    {name} {{ align: center middle; }}
    {name} > Vertical {{
        width: 70; max-width: 95%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1;
    }}
    {name} > Vertical > Label {{ width: 1fr; }}
    {name} OptionList {{ height: auto; max-height: 16; }}
    {name} .help {{ color: $text-muted; }}
    {name} .error {{ color: $text-error; height: auto; }}
    """


class ChoiceModal(ModalScreen[T], Generic[T]):
    """Pick one of a few choices: press its key, or move and press enter."""

    DEFAULT_CSS = _modal_css("ChoiceModal")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, choices: Sequence[tuple[str, str, T]]):
        """``choices``: (key, label, value) triples; keys are single characters."""
        super().__init__()
        self.title_text, self.choices = title, list(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(one_line(self.title_text)))
            yield OptionList(*(Option(Content(one_line(f"{key}  {label}")), id=str(i))
                               for i, (key, label, _) in enumerate(self.choices)))
            yield Label(Content("key or ↑↓ enter · escape cancels"), classes="help")

    def on_key(self, event) -> None:
        for key, _, value in self.choices:
            if event.character == key:
                event.stop()
                self.dismiss(value)
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index][2])

    def action_cancel(self) -> None:
        self.dismiss(None)


class PromptModal(ModalScreen[Any]):
    """Type a value; matching options are listed below and can be picked.

    With ``free_text`` the typed text itself is an answer (a note, a name);
    without, only an option can be (pick a mention by part of its name).
    """

    DEFAULT_CSS = _modal_css("PromptModal")
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel")]

    def __init__(self, title: str, *, value: str = "", options: Sequence[tuple[str, Any]] = (),
                 free_text: bool = True, placeholder: str = "",
                 validate: Callable[[str], str | None] | None = None):
        """``validate`` returns an error message for a typed value, or None if it is fine."""
        super().__init__()
        self.title_text, self.value, self.validate = title, value, validate
        # Shown, filtered and (free text) answered as plain one-line text.
        self.options = [(one_line(label), value) for label, value in options]
        self.free_text, self.placeholder = free_text, placeholder

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(one_line(self.title_text)))
            yield Input(value=one_line(self.value), placeholder=self.placeholder)
            yield Label(id="error", classes="error")
            yield OptionList()
            if not self.free_text:
                help_text = "type to filter · enter picks · escape cancels"
            elif self.options:
                help_text = "enter takes the highlighted name (a new one if none matches) · ↓ list · escape cancels"
            else:
                help_text = "enter saves · escape cancels"
            yield Label(Content(help_text), classes="help")

    def on_mount(self) -> None:
        self.query_one("#error", Label).display = False
        self._filter(self.value)

    def _filter(self, typed: str) -> None:
        needle = typed.casefold().strip()
        self.shown = [(label, value) for label, value in self.options if needle in label.casefold()]
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([Option(Content(label), id=str(i)) for i, (label, _) in enumerate(self.shown[:200])])
        options.display = bool(self.shown)
        if self.shown:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self._filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.free_text:
            value = event.value.strip()
            exact = [label for label, _ in self.shown if label.casefold() == value.casefold()]
            if value and self.shown and not exact:  # "Stéph" means the listed "Stéphane Dujarric"
                value = self.shown[self.query_one(OptionList).highlighted or 0][0]
            elif exact:
                value = exact[0]
            error = self.validate(value) if self.validate else None
            if error:
                message = self.query_one("#error", Label)
                message.update(Content(one_line(error)))
                message.display = True
                self.app.bell()
                return
            self.dismiss(value)
        elif self.shown:
            highlighted = self.query_one(OptionList).highlighted or 0
            self.dismiss(self.shown[highlighted][1])
        else:
            self.app.bell()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        label, value = self.shown[event.option_index]
        self.dismiss(label if self.free_text else value)

    def on_key(self, event) -> None:
        if event.key == "down" and self.query_one(Input).has_focus and self.shown:
            event.stop()
            self.query_one(OptionList).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)
