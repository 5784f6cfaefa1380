"""A footer that is rebuilt only when the keys it shows change, not on every binding refresh.

Textual 8.2.8's ``Footer`` removes and mounts every key widget each time a screen calls
``refresh_bindings()`` (which the head screen does when a request starts and ends) or the focus
moves, and each rebuild leaves the old key widgets referenced by the footer's ``compact``
data binding: after 200 sends thousands of dead widgets were alive and every send paid for a
rebuild and a re-layout. :class:`SteadyFooter` shows the same keys the same way but:

* it compares what it would show (keys, labels, enabled) with what it shows and rebuilds only
  when they differ (a key hidden or revealed by ``check_action``), once, after the refresh,
  however many refreshes were asked for in between;
* its key widgets are not data-bound to the footer, so a rebuild leaves nothing behind.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

# Textual's own key widget (not exported by textual.widgets), for the same look and clicks.
from textual.widgets._footer import FooterKey

__all__ = ["SteadyFooter"]

Shown = tuple[tuple[str, str, str, bool, bool], ...]
"""What the footer shows: per key, (key, action, description, enabled, is the palette key)."""


class SteadyFooter(Footer):
    """Textual's footer (compact, with the command palette key), rebuilt only when needed."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=True)
        self._ready = False
        self._update_pending = False
        self._shown: Shown | None = None
        self.rebuilds = 0
        """How many times the key widgets were built (tests check it stays put)."""

    def _wanted(self) -> tuple[list[tuple[Binding, bool, str, bool]], Shown]:
        """The keys to show now, in order, each with enabled, tooltip and is-palette."""
        active = self.screen.active_bindings
        by_action: dict[str, tuple[Binding, bool, str, bool]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in by_action:
                # One key per action, the first bound, as Textual's footer shows it.
                by_action[binding.action] = (binding, enabled, tooltip or "", False)
        wanted = list(by_action.values())
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            palette = active.get(self.app.COMMAND_PALETTE_BINDING)
            if palette is not None:
                _, binding, enabled, _ = palette
                wanted.append((binding, enabled, binding.tooltip or binding.description, True))
        shown = tuple((b.key, b.action, b.description, on, p) for b, on, _, p in wanted)
        return wanted, shown

    def compose(self) -> ComposeResult:
        """One FooterKey per shown action, then the command palette key."""
        if not self._ready:
            return
        wanted, self._shown = self._wanted()
        self.rebuilds += 1
        self.styles.grid_size_columns = sum(1 for *_, palette in wanted if not palette)
        for binding, enabled, tooltip, palette in wanted:
            key = FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
                classes=" ".join(
                    name
                    for name, wanted in (("-command-palette", palette), ("-compact", self.compact))
                    if wanted
                ),
            )
            # What Textual's footer does with a data binding (which kept old keys alive).
            key.set_reactive(FooterKey.compact, self.compact)
            yield key

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Coalesce refresh requests into one update after the next refresh."""
        self._ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._update_pending:
            self._update_pending = True
            self.call_after_refresh(self._update)

    async def _update(self) -> None:
        self._update_pending = False
        if not self.is_attached:
            return
        if self._wanted()[1] != self._shown:
            await self.recompose()
