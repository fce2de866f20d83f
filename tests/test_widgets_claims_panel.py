"""ClaimsPanel in a tiny harness app, driven with real keys at 80x24."""
from __future__ import annotations

from textual.app import App, ComposeResult
from textual.message import Message

from glose.widgets.claims_panel import ClaimRow, ClaimsPanel

CLAIMS = [
    ClaimRow(10, "le secrétaire général souhaite transmettre ses grandes inquiétudes aux parties concernées",
             "son porte-parole", "a-t-il déclaré", "accepted", "direct"),
    ClaimRow(11, "La bataille d’Alep touche à sa fin", "Rami Abdel Rahmane", "a affirmé", "pending", "direct"),
    ClaimRow(12, "[bold]des atrocités[/b] \x1b[2J auraient été commises", "", "Selon", "rejected", "indirect"),
]


class Harness(App[None]):
    """One ClaimsPanel; records the messages it posts."""

    def __init__(self, claims=CLAIMS) -> None:
        super().__init__()
        self.claims = claims
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield ClaimsPanel(self.claims)

    def on_claims_panel_highlighted(self, message: ClaimsPanel.Highlighted) -> None:
        self.messages.append(message)

    def on_claims_panel_selected(self, message: ClaimsPanel.Selected) -> None:
        self.messages.append(message)


def rows(panel: ClaimsPanel) -> list[str]:
    return [panel.render_line(y).text for y in range(len(panel.claims))]


async def test_rows_show_state_excerpt_source_and_cue_on_one_line():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ClaimsPanel)
        await pilot.pause()
        first, second, third = rows(panel)
        assert first.strip().startswith("✓D le secrétaire général souhaite")
        assert "…" in first and first.rstrip().endswith("— son porte-parole · a-t-il déclaré")
        assert second.strip().startswith("?D La bataille d’Alep touche à sa fin")
        assert third.strip().startswith("✗I [bold]des atrocités[/b] ␛[2J auraient")
        assert "— no source · Selon" in third
        styles = {segment.text: segment.style for segment in panel.render_line(2)}
        assert styles["no source"].reverse and styles["✗"].bold  # visible without colour
        assert all(len(row) == len(first) for row in rows(panel))


async def test_keyboard_navigation_posts_highlighted_and_selected():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ClaimsPanel)
        panel.focus()
        await pilot.press("down", "down", "up", "enter")
        await pilot.pause()
        highlighted = [m.claim_id for m in app.messages if isinstance(m, ClaimsPanel.Highlighted)]
        selected = [m.claim_id for m in app.messages if isinstance(m, ClaimsPanel.Selected)]
        assert highlighted == [10, 11, 10] and selected == [10]
        assert panel.highlighted_claim == 10


async def test_select_and_set_claims_keep_quiet_and_keep_the_highlight():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ClaimsPanel)
        await pilot.pause()
        app.messages.clear()
        panel.select(12)
        await pilot.pause()
        assert panel.highlighted_claim == 12
        panel.set_claims([CLAIMS[2], CLAIMS[0]])
        await pilot.pause()
        assert panel.highlighted_claim == 12 and panel.highlighted == 0
        assert app.messages == []


async def test_narrow_panel_truncates_every_part():
    app = Harness()
    async with app.run_test(size=(40, 24)) as pilot:
        panel = app.query_one(ClaimsPanel)
        await pilot.pause()
        assert all(len(row) <= 40 for row in rows(panel))
        assert rows(panel)[1].rstrip() == "?D La bat… — Rami Abdel Rah… · a affi…"


async def test_update_claims_redraws_only_the_named_rows():
    app = Harness()
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ClaimsPanel)
        await pilot.pause()
        before = rows(panel)
        changed = ClaimRow(11, "La bataille d’Alep touche à sa fin", "OSDH", "a affirmé", "accepted", "direct")
        panel.update_claims([changed])
        await pilot.pause()
        after = rows(panel)
        assert after[0] == before[0] and after[2] == before[2]
        assert after[1].strip().startswith("✓D") and "— OSDH · a affirmé" in after[1]
        assert panel.claims[1] == changed


async def test_a_claim_linked_to_another_documents_is_marked():
    linked = ClaimRow(13, "La bataille d’Alep touche à sa fin", "Rami Abdel Rahmane", "", "accepted", "direct", linked=2)
    app = Harness([CLAIMS[1], linked])
    async with app.run_test(size=(80, 24)) as pilot:
        panel = app.query_one(ClaimsPanel)
        await pilot.pause()
        plain, marked = rows(panel)
        assert plain.strip().startswith("?D La bataille") and marked.strip().startswith("✓D≡La bataille")
