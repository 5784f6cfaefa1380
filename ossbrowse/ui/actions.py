"""Screen actions declared once: key bindings, command palette entries and F1's key list.

A screen lists its actions in an ``ACTIONS`` table of :class:`Action` and sets
``BINDINGS = bindings(ACTIONS)``; :class:`ScreenActions` (in the screen's ``COMMANDS``) puts
them in the command palette, and :func:`key_help` lists them, for whichever screen is active.
The app knows no screen's actions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen


@dataclass(frozen=True)
class Action:
    """One action of a screen."""

    key: str
    action: str
    """Method name without ``action_``."""
    id: str
    label: str
    """Short text for the footer."""
    title: str
    """Command palette title."""
    help: str
    """Command palette help, and the binding's tooltip."""
    show: bool = True
    """Shown in the footer."""
    palette: bool = True


def bindings(actions: Iterable[Action]) -> list[BindingType]:
    """Key bindings for ``actions``, each with an id and a tooltip."""
    return [
        Binding(a.key, a.action, a.label, show=a.show, id=a.id, tooltip=a.help) for a in actions
    ]


def screen_actions(screen: Screen[Any]) -> tuple[Action, ...]:
    """The actions ``screen`` declares in its ``ACTIONS`` table (none without one)."""
    declared = getattr(screen, "ACTIONS", ())
    return tuple(action for action in declared if isinstance(action, Action))


class ScreenActions(Provider):
    """The active screen's actions in the command palette (put it in ``Screen.COMMANDS``)."""

    def _commands(self) -> list[tuple[Action, Any]]:
        screen = self.screen
        # The method itself, not run_action: from the palette an action explains itself
        # (e.g. "send a HEAD first") even where its key is hidden from the footer.
        return [
            (action, getattr(screen, f"action_{action.action}"))
            for action in screen_actions(screen)
            if action.palette
        ]

    async def discover(self) -> Hits:
        """Every action, for the empty palette."""
        for action, command in self._commands():
            yield DiscoveryHit(action.title, command, help=action.help)

    async def search(self, query: str) -> Hits:
        """The actions whose title matches ``query``."""
        matcher = self.matcher(query)
        for action, command in self._commands():
            score = matcher.match(action.title)
            if score > 0:
                highlighted = matcher.highlight(action.title)
                yield Hit(score, highlighted, command, text=action.title, help=action.help)


def key_help(screen: Screen[Any]) -> list[tuple[str, str]]:
    """Every key of ``screen`` as currently bound (remapped keys included) and what it does."""
    app = screen.app
    # With a text field focused, Textual leaves out the one-letter bindings (they type);
    # list the keys as they are with the focus outside any field, then put it back.
    focused = screen.focused
    screen.set_focus(None, scroll_visible=False)
    try:
        active = list(screen.active_bindings.values())
    finally:
        screen.set_focus(focused, scroll_visible=False)
    keys: list[tuple[str, str]] = []
    seen: set[str] = set()
    for item in active:
        binding = item.binding
        if binding.action in seen or binding.system or binding.action.startswith("app.focus"):
            continue
        seen.add(binding.action)
        text = binding.tooltip or binding.description or binding.action
        keys.append((app.get_key_display(binding), text))
    # Actions hidden right now (e.g. Cancel with nothing in flight) are still worth knowing.
    for action in screen_actions(screen):
        if action.action not in seen:
            binding = Binding(action.key, action.action, action.label)
            keys.append((app.get_key_display(binding), f"{action.help} (when useful)"))
    keys.append(("tab / shift+tab", "Move between the fields and the panes"))
    return keys
