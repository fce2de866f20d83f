"""DocumentTable in a tiny harness app, fed from a Python list (no database), driven with
real keys at 80x24: a virtual list holds only the rows near the screen."""
from __future__ import annotations

from textual.app import App, ComposeResult

from glose.widgets.document_table import BLOCK, HELD_BLOCKS, DocumentTable, ListedDocument

HOSTILE = "[bold]Piégé[/b] \x1b[2J"


def corpus(count: int) -> list[ListedDocument]:
    return [ListedDocument(id=number + 1, title=HOSTILE if number == 1 else f"Dépêche numéro {number + 1}",
                           date="2016-12-13", words=1234 * number, claims=number % 4,
                           status=("todo", "in_progress", "done")[number % 3])
            for number in range(count)]


class Harness(App[None]):
    """One DocumentTable, answered from ``documents`` (None: never answered)."""

    def __init__(self, documents: list[ListedDocument] | None) -> None:
        super().__init__()
        self.documents = documents
        self.asked: list[range] = []
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        yield DocumentTable()

    def on_mount(self) -> None:
        table = self.query_one(DocumentTable)
        self.watch(table, "wanted", self.answer, init=False)
        table.show(len(self.documents or ()), widest_id=len(self.documents or ()))
        table.focus()

    def answer(self, wanted: range) -> None:
        self.asked.append(wanted)
        if self.documents is not None:
            self.query_one(DocumentTable).fill(wanted.start, self.documents[wanted.start:wanted.stop])

    def on_document_table_chosen(self, message: DocumentTable.Chosen) -> None:
        self.chosen.append(message.document_id)


def lines(table: DocumentTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.scrollable_content_region.height)]


async def test_rows_are_drawn_under_a_header_titles_as_plain_text():
    app = Harness(corpus(5))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(DocumentTable)
        header, first, second = lines(table)[:3]
        assert header.split() == ["id", "title", "date", "words", "claims", "status"]
        assert first.split()[:3] == ["1", "Dépêche", "numéro"] and first.rstrip().endswith("0       0  · todo")
        assert "[bold]Piégé[/b] ␛[2J" in second and "1,234" in second and "• in progress" in second
        assert "\x1b" not in "".join(lines(table))
        assert len({len(line) for line in lines(table)[:6]}) == 1  # every row as wide as the table


async def test_keys_move_the_cursor_and_enter_chooses_the_document():
    app = Harness(corpus(1000))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(DocumentTable)
        await pilot.press("down", "down", "up")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        page = table.scrollable_content_region.height - 1
        assert table.cursor_row == 1 + page
        await pilot.press("end")
        assert table.cursor_row == 999 and table.cursor_document.id == 1000
        assert lines(table)[-1].split()[0] == "1000"  # scrolled to it
        await pilot.press("pageup", "enter")
        await pilot.pause()
        assert app.chosen == [1000 - page]
        await pilot.press("home", "enter")
        await pilot.pause()
        assert table.cursor_row == 0 and app.chosen[-1] == 1


async def test_only_the_rows_near_the_screen_are_asked_for_and_held():
    app = Harness(corpus(100_000))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.query_one(DocumentTable)
        assert table.row_count == 100_000
        assert app.asked and all(len(wanted) <= 2 * BLOCK for wanted in app.asked)
        before = len(app.asked)
        await pilot.press(*["down"] * 10)
        assert len(app.asked) == before  # a row at a time asks for nothing new near the top
        for _ in range(30):
            await pilot.press("pagedown")
        await pilot.press("end")
        await pilot.pause()
        assert len(table._rows) <= HELD_BLOCKS * BLOCK
        assert table.cursor_document.id == 100_000
        assert max(len(wanted) for wanted in app.asked) <= 3 * BLOCK


async def test_rows_not_answered_are_drawn_as_placeholders_and_enter_does_nothing():
    app = Harness(None)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(DocumentTable)
        table.show(50)
        await pilot.pause()
        assert lines(table)[1].split() == ["…"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == []


async def test_a_click_moves_the_cursor_a_second_click_chooses():
    app = Harness(corpus(30))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(DocumentTable)
        await pilot.click(DocumentTable, offset=(5, 4))  # the fourth row, under the header
        assert table.cursor_row == 3 and app.chosen == []
        await pilot.click(DocumentTable, offset=(5, 4))
        await pilot.pause()
        assert app.chosen == [4]


async def test_a_new_list_keeps_the_cursor_row_within_it():
    app = Harness(corpus(300))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(DocumentTable)
        await pilot.press("end")
        app.documents = corpus(40)
        table.show(40)
        await pilot.pause()
        assert table.cursor_row == 39 and table.cursor_document.id == 40
        assert lines(table)[-1].split()[0] == "40"
        table.show(0)
        await pilot.pause()
        assert table.cursor_row == 0 and table.cursor_document is None
        assert lines(table)[1].strip() == ""
