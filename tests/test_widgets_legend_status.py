"""Legend and StatusLine render plain text with the styles they advertise."""
from __future__ import annotations

from textual.app import App, ComposeResult

from glose.widgets.legend import Legend
from glose.widgets.status_line import StatusLine


class Harness(App[None]):
    def compose(self) -> ComposeResult:
        yield Legend()
        yield StatusLine()


async def test_legend_draws_labels_with_article_view_styles():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        legend = app.query_one(Legend)
        await pilot.pause()
        strip = legend.render_line(0)
        assert strip.text.strip() == "PER ORG LOC MISC CLAIM CUE SOURCE │ ? pending ✓ accepted ✗ rejected selected"
        styles = {segment.text: segment.style for segment in strip if segment.text.strip()}
        assert styles["CLAIM"].underline and styles["CUE"].bold and styles["PER"].italic
        assert styles["✗ rejected"].strike and styles["selected"].reverse


async def test_status_line_shows_fields_as_plain_text():
    app = Harness()
    async with app.run_test(size=(100, 24)) as pilot:
        status = app.query_one(StatusLine)
        status.annotator = "marie"
        status.document = "Alep [bold]x[/b] \x1b[2J"
        status.pending_claims, status.pending_entities = 1, 3
        status.save_state = "saving"
        await pilot.pause()
        assert status.render_line(0).text.strip() == "marie · Alep [bold]x[/b] ␛[2J · 1 claim · 3 entities pending · saving…"
        status.save_state, status.save_note = "not saved", "disk [b]full\x1b]0;x\x07"
        await pilot.pause()
        assert status.render_line(0).text.strip().endswith("· not saved: disk [b]full␛]0;x␇")
        status.save_state = "saved"
        await pilot.pause()
        assert status.render_line(0).text.strip().endswith("· saved")
        status.document, status.claim, status.detail = "", "« La paix [b] »", "PER pending"
        await pilot.pause()
        assert status.render_line(0).text.strip().endswith("· saved · → claim: « La paix [b] » · PER pending")
