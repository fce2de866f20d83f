"""`Legend`: one line showing how `ArticleView` draws each label and state."""
from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.style import Style
from textual.widget import Widget

from glose.widgets.article_view import HIGHLIGHT_CSS, LABEL_COMPONENTS, STATE_COMPONENTS
from glose.widgets.data import STATE_MARKS


class Legend(Widget):
    """The label and state styles of `ArticleView`, drawn with the same component
    classes (`article-view--*`), so an app's .tcss that restyles one restyles both."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *LABEL_COMPONENTS.values(),
        *STATE_COMPONENTS.values(),
        "article-view--selected",
    }
    """The `article-view--*` classes of the labels and states, and `--selected`."""

    DEFAULT_CSS = (
        """
    Legend {
        height: 1;
        padding: 0 1;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """
        + HIGHLIGHT_CSS
    )

    def render(self) -> Content:
        def swatch(text: str, component: str) -> Content:
            return Content.assemble((text, Style.from_rich_style(self.get_component_rich_style(component, partial=True))))

        labels = [swatch(label, component) for label, component in LABEL_COMPONENTS.items()]
        states = [swatch(f"{STATE_MARKS[state]} {state}", component) for state, component in STATE_COMPONENTS.items()]
        selected = swatch("selected", "article-view--selected")
        return Content(" ").join([*labels, Content("│"), *states, selected])
