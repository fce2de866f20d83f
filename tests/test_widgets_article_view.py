"""ArticleView in a tiny harness app, driven with real keys at 80x24."""
from __future__ import annotations

import unicodedata

from textual.app import App, ComposeResult
from textual.message import Message

from glose.widgets.article_view import ArticleView, _wrap
from glose.widgets.data import Highlight

PARAGRAPH = (
    "Les Nations unies ne peuvent vérifier de manière indépendante ces informations, "
    "a souligné son porte-parole, Stéphane Dujarric, lundi 12 décembre. Mais « le "
    "secrétaire général souhaite transmettre ses grandes inquiétudes aux parties "
    "concernées », a-t-il déclaré."
)
TEXT = "\n\n".join([PARAGRAPH] * 12)
DUJARRIC = TEXT.index("Stéphane Dujarric")
CLAIM = TEXT.index("le secrétaire général")
CUE = TEXT.index("a-t-il déclaré")
HIGHLIGHTS = [
    Highlight(1, DUJARRIC, DUJARRIC + len("Stéphane Dujarric"), "PER"),
    Highlight(2, CLAIM, TEXT.index(" »", CLAIM), "CLAIM"),
    Highlight(3, CUE, CUE + len("a-t-il déclaré"), "CUE", "accepted"),
    Highlight(4, 0, len("Les Nations unies"), "ORG", "rejected"),
]


class Harness(App[None]):
    """One ArticleView filling the screen; records the messages it posts."""

    def __init__(self, text: str = TEXT, highlights=HIGHLIGHTS) -> None:
        super().__init__()
        self.text, self.initial = text, highlights
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ArticleView(self.text, self.initial)

    def on_article_view_caret_moved(self, message: ArticleView.CaretMoved) -> None:
        self.messages.append(message)

    def on_article_view_selection_changed(self, message: ArticleView.SelectionChanged) -> None:
        self.messages.append(message)

    def on_article_view_highlight_clicked(self, message: ArticleView.HighlightClicked) -> None:
        self.messages.append(message)


def lines(view: ArticleView) -> list[str]:
    return [view.render_line(y).text for y in range(view.scrollable_content_region.height)]


def styles_at(view: ArticleView, offset: int):
    """The Rich style of the cell showing char `offset` (on screen)."""
    line, cell = view.offset_to_position(offset)
    x = view._margin + cell
    strip = view.render_line(line - int(view.scroll_offset.y))
    return strip.crop(x, x + 1)._segments[0].style


async def test_wraps_at_the_measure_with_paragraphs():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        shown = lines(view)
        assert all(len(line) == 78 for line in shown)  # 80 minus the scrollbar gutter
        assert shown[0].startswith(" Les Nations unies ne peuvent")
        assert max(len(line.strip()) for line in shown) <= 76
        first_blank = next(y for y, line in enumerate(shown) if not line.strip())
        assert " ".join(line.strip() for line in shown[:first_blank]) == PARAGRAPH
        view.measure = 40
        await pilot.pause()
        narrow = lines(view)
        assert narrow[0] == " " * 19 + "Les Nations unies ne peuvent vérifier de".ljust(40 + 19)
        assert all(len(line.strip()) <= 40 for line in narrow)


def test_wrap_keeps_no_break_spaces_and_cuts_long_words():
    text = "Il a dit «\u00a0oui\u00a0» hier\nabcdefghij"
    starts = _wrap(text, 12)
    pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert pieces == ["Il a dit ", "«\u00a0oui\u00a0» hier\n", "abcdefghij"]
    assert _wrap("abcdefghij", 4) == [0, 4, 8]
    assert _wrap("漢字漢字漢字", 5) == [0, 2, 4]  # two cells each: two per line


async def test_offsets_map_to_cells_with_wide_characters():
    text = "Le 漢字 et l'émoji 😀 x\u0301 fin " * 8
    app = Harness(text, [])
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        after_kanji = text.index(" et")
        assert view.offset_to_position(after_kanji) == (0, 7)  # "Le " + 2 wide chars
        assert view.position_to_offset(0, 4) == 3  # second cell of 漢
        assert view.position_to_offset(0, 5) == 4
        combining = text.index("\u0301")
        assert view.offset_to_position(combining + 1)[1] == view.offset_to_position(combining)[1]
        for offset in range(len(text)):  # round trip, but before a combining mark
            if unicodedata.combining(text[offset]):
                continue
            line, cell = view.offset_to_position(offset)
            assert view.position_to_offset(line, cell) == offset
        assert all(len(line) <= 78 for line in lines(view))


async def test_caret_moves_by_character_word_and_line():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        await pilot.press("right", "right")
        assert view.caret == 2
        await pilot.press("ctrl+right")
        assert view.caret == len("Les")
        await pilot.press("ctrl+right", "ctrl+right")
        assert view.caret == len("Les Nations unies")
        await pilot.press("ctrl+left")
        assert view.caret == len("Les Nations ")
        await pilot.press("down")
        line, cell = view.offset_to_position(view.caret)
        assert (line, cell) == (1, len("Les Nations "))
        await pilot.press("end")
        assert view.caret == view.position_to_offset(1, 999)
        await pilot.press("ctrl+end")
        assert view.caret == len(TEXT)
        assert view.scroll_offset.y > 0  # the caret stays visible
        await pilot.press("ctrl+home")
        assert view.caret == 0 and view.scroll_offset.y == 0
        moved = [m.offset for m in app.messages if isinstance(m, ArticleView.CaretMoved)]
        assert moved[:2] == [1, 2] and moved[-1] == 0


async def test_caret_is_drawn_reversed_when_focused():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        app.set_focus(None)
        await pilot.pause()
        assert not styles_at(view, 0).reverse
        view.focus()
        await pilot.pause()
        assert styles_at(view, 0).reverse


async def test_selection_extends_and_clears():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        await pilot.press("ctrl+shift+right", "ctrl+shift+right", "shift+left")
        assert view.selection == (0, len("Les Nations") - 1)
        assert styles_at(view, 3).reverse  # selected cells are reversed
        await pilot.press("escape")
        assert view.selection is None
        changes = [(m.start, m.end) for m in app.messages if isinstance(m, ArticleView.SelectionChanged)]
        assert changes == [(0, 3), (0, 11), (0, 10), (10, 10)]


def reversed_offsets(view: ArticleView, start: int, end: int) -> set[int]:
    return {offset for offset in range(start, end) if styles_at(view, offset).reverse}


async def test_what_is_drawn_selected_is_exactly_the_selection():
    """Issue 9.2: the caret's cell past the selection is not drawn selected, the first
    selected cell is drawn selected when the caret sits on it, and inside a selected
    entity only the selection is reversed."""
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        word = TEXT.index("vérifier")
        view.move_caret(word)
        await pilot.press("ctrl+shift+right")  # "vérifier" selected, the caret after it
        assert view.selection == (word, word + 8)
        assert reversed_offsets(view, word - 3, word + 12) == set(range(word, word + 8))
        assert styles_at(view, word + 8).underline  # the caret is still shown
        view.move_caret(word + 8)
        await pilot.press("ctrl+shift+left")  # selected leftwards: the caret on the first cell
        assert reversed_offsets(view, word - 3, word + 12) == set(range(word, word + 8))

        await pilot.press("escape")
        view.select(1)  # the entity "Stéphane Dujarric" is the selected item
        await pilot.pause()
        assert reversed_offsets(view, DUJARRIC, DUJARRIC + 17) == set(range(DUJARRIC, DUJARRIC + 17))
        view.move_caret(DUJARRIC)
        await pilot.press("ctrl+shift+right")  # "Stéphane" only
        assert view.selection == (DUJARRIC, DUJARRIC + 8)
        assert reversed_offsets(view, DUJARRIC - 2, DUJARRIC + 19) == set(range(DUJARRIC, DUJARRIC + 8))
        await pilot.press("escape")  # no selection: the entity is emphasised again (the caret un-reversed)
        assert reversed_offsets(view, DUJARRIC, DUJARRIC + 17) == set(range(DUJARRIC, DUJARRIC + 17)) - {view.caret}


async def test_click_on_highlight_posts_innermost_and_elsewhere_moves_caret():
    nested = [*HIGHLIGHTS, Highlight(5, DUJARRIC - 5, DUJARRIC + 30, "CLAIM")]
    app = Harness(TEXT, nested)
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        line, cell = view.offset_to_position(DUJARRIC + 2)
        await pilot.click(ArticleView, offset=(view._margin + cell, line))
        assert [m.highlight_id for m in app.messages if isinstance(m, ArticleView.HighlightClicked)] == [1]
        line, cell = view.offset_to_position(TEXT.index("vérifier"))
        await pilot.click(ArticleView, offset=(view._margin + cell, line))
        assert view.caret == TEXT.index("vérifier")


async def test_markup_and_escape_sequences_shown_literally():
    text = "A [bold]bold[/b] [link=https://evil.example]x[/link] [/] \x1b[2J\x1b]0;title\x07 \x9b31m end"
    app = Harness(text, [Highlight(1, 2, 8, "CUE")])
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        strip = view.render_line(0)
        shown = " ".join(view.render_line(y).text.strip() for y in (0, 1))
        assert "A [bold]bold[/b] [link=https://evil.example]x[/link] [/]" in shown
        assert "\u241b[2J\u241b]0;title\u2407 \ufffd31m end" in shown
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
        assert all(segment.style is None or segment.style.link is None for segment in strip)
        stand_ins = text.index("\x1b")
        assert view.offset_to_position(stand_ins + 9)[1] - view.offset_to_position(stand_ins)[1] == 9


async def test_label_and_state_styles_do_not_rely_on_colour():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        assert styles_at(view, CLAIM).underline
        assert styles_at(view, CUE).bold
        assert styles_at(view, DUJARRIC).italic
        assert styles_at(view, 1).strike  # rejected
        view.select(2, [1, 3])
        await pilot.pause()
        assert styles_at(view, CLAIM).reverse and styles_at(view, DUJARRIC).reverse
        assert not styles_at(view, 1).reverse


async def test_set_highlights_redraws_only_changed_lines():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        before = view.cache_misses
        await pilot.pause()
        assert view.cache_misses == before  # a repaint hits the cache
        changed = [h if h.id != 1 else Highlight(1, h.start, h.end, "PER", "accepted") for h in HIGHLIGHTS]
        view.set_highlights(changed)
        await pilot.pause()
        dujarric_line, _ = view.offset_to_position(DUJARRIC)
        span_lines = view.offset_to_position(DUJARRIC + 17)[0] - dujarric_line + 1
        assert view.cache_misses - before == span_lines
        assert styles_at(view, DUJARRIC).bgcolor != styles_at(view, DUJARRIC - 3).bgcolor
        view.set_highlights(changed)  # nothing changed: nothing redrawn
        await pilot.pause()
        assert view.cache_misses - before == span_lines


async def test_select_scrolls_far_highlight_into_view():
    far = TEXT.rindex("Stéphane Dujarric")
    app = Harness(TEXT, [*HIGHLIGHTS, Highlight(9, far, far + 8, "PER")])
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        view.select(9, [])
        await pilot.pause()
        line, _ = view.offset_to_position(far)
        top = int(view.scroll_offset.y)
        assert top <= line < top + 24
        assert "Stéphane" in view.render_line(line - top).text


async def test_hints_overlay_highlights_without_moving_text():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        line, cell = view.offset_to_position(DUJARRIC)
        plain = view.render_line(line).text
        view.set_hints({1: "a", 4: "sd"})
        await pilot.pause()
        hinted = view.render_line(line).text
        x = view._margin + cell
        assert hinted[x] == "a" and hinted[x + 1 :] == plain[x + 1 :]
        assert view.render_line(0).text.startswith(" sds Nations")
        view.clear_hints()
        await pilot.pause()
        assert view.render_line(line).text == plain


def test_layout_snapshot(snap_compare):
    async def focus_and_select(pilot):
        view = pilot.app.query_one(ArticleView)
        view.focus()
        view.select(2, [1, 3])
        await pilot.press("ctrl+shift+right")

    assert snap_compare(Harness(), terminal_size=(80, 24), run_before=focus_and_select)


async def test_update_highlights_adds_moves_and_removes():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        vérifier = TEXT.index("vérifier")
        view.update_highlights([Highlight(7, vérifier, vérifier + 8, "MISC")], removed=[4])
        await pilot.pause()
        assert view.highlight_at(vérifier).id == 7
        assert view.highlight_at(0) is None and not styles_at(view, 1).strike
        view.update_highlights([Highlight(7, vérifier + 3, vérifier + 8, "MISC")])
        assert view.highlight_at(vérifier) is None and view.highlight_at(vérifier + 3).id == 7


async def test_resize_rewraps_and_keeps_the_top_line():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        await pilot.press("pagedown", "pagedown")
        top_offset = view.position_to_offset(int(view.scroll_offset.y), 0)
        await pilot.resize_terminal(50, 20)
        await pilot.pause()
        assert all(len(line.rstrip()) <= 48 for line in lines(view))
        line = int(view.scroll_offset.y)
        assert view.position_to_offset(line, 0) <= top_offset < view.position_to_offset(line + 1, 0)
        caret_line, _ = view.offset_to_position(view.caret)
        assert line <= caret_line  # the caret is still on or below the top line


async def test_tag_rows_name_label_and_state_without_colour():
    """Issue 9.6: with tags on, a row under each line names each highlight's label and
    state where it starts, and rules its extent; the caret and scrolling still work."""
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        await pilot.pause()
        plain_height = view.virtual_size.height
        view.tags = True
        await pilot.pause()
        assert view.virtual_size.height == 2 * plain_height
        shown = lines(view)
        assert shown[0].startswith(" Les Nations unies")
        assert shown[1].startswith(" ORG✗────────────")  # rejected ORG, 17 cells
        assert shown[1][1:18] == "ORG✗" + "─" * 13 and shown[1][18] == " "
        line, cell = view.offset_to_position(DUJARRIC)
        tags = shown[2 * line + 1]
        assert tags[view._margin + cell:].startswith("PER?─────────────")
        line, cell = view.offset_to_position(CUE)
        assert shown[2 * line + 1][view._margin + cell:].startswith("CUE✓")
        line, cell = view.offset_to_position(CLAIM)
        assert shown[2 * line + 1][view._margin + cell:].startswith("CLAIM?┄┄")
        view.focus()
        await pilot.press("ctrl+end")  # the caret's line is scrolled into view, tag row and all
        last_line, _ = view.offset_to_position(len(TEXT))
        assert int(view.scroll_offset.y) + view.scrollable_content_region.height >= 2 * last_line + 2
        view.tags = False
        await pilot.pause()
        assert view.virtual_size.height == plain_height


def test_the_span_index_updated_in_place_finds_what_a_fresh_one_finds():
    """Edits move highlights in the index without re-sorting them all (a 100k-word
    article has ~12k): after any sequence of moves it answers as one built afresh."""
    import random

    from glose.widgets.article_view import _SpanIndex

    rng = random.Random(3)

    def some(id_: int) -> Highlight:
        start = rng.randint(0, 500)
        return Highlight(id_, start, start + rng.randint(1, 60), "PER")

    highlights = {i: some(i) for i in range(300)}
    index = _SpanIndex(highlights.values())
    for step in range(2000):
        choice = rng.random()
        if choice < 0.4 and highlights:
            index.move([highlights.pop(rng.choice(list(highlights)))], [])
        elif choice < 0.7 and highlights:
            id_ = rng.choice(list(highlights))
            old, highlights[id_] = highlights[id_], some(id_)
            index.move([old], [highlights[id_]])
        else:
            highlights[1000 + step] = some(1000 + step)
            index.move([], [highlights[1000 + step]])
        fresh = _SpanIndex(highlights.values())
        assert (index.starts, index.ends, index.max_ends) == (fresh.starts, fresh.ends, fresh.max_ends)
        start = rng.randint(0, 560)
        end = start + rng.randint(0, 50)
        assert sorted(index.meeting(start, end)) == sorted(fresh.meeting(start, end))
