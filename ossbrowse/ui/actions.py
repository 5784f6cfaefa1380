"""Screen actions declared once: key bindings, command palette entries and F1's key list.

A screen lists its actions in an ``ACTIONS`` table of :class:`Action` and sets
``BINDINGS = bindings(ACTIONS)``; :class:`ScreenActions` (in the screen's ``COMMANDS``) puts
them in the command palette with their keys, and :func:`key_help` lists them, for whichever
screen is active. The app knows no screen's actions.

One-letter keys are for a user who is not typing: a screen turns them off while the focus is in
a :data:`TYPING_ZONE` (a form: its fields and its buttons), see :func:`typing_focus`. An action
that cannot apply right now is hidden (the screen's ``check_action``); when it ``needs``
something, its key still answers, through ``explain``, with why it does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widgets import Input, TextArea

TYPING_ZONE = "typing-zone"
"""CSS class of a container (a form) inside which one-letter actions never fire."""
EXPLAIN = "explain"
"""The action a ``needs`` action's key falls back on when hidden: it says why."""


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
    needs: str | None = None
    """What it needs from the last answer (e.g. ``"etag"``): the screen hides it without,
    and its key then says why (see :data:`EXPLAIN`)."""

    @property
    def one_letter(self) -> bool:
        """True when a key is a single character (one a user may be typing)."""
        return any(len(key) == 1 for key in self.key.split(","))


def bindings(actions: Iterable[Action]) -> list[BindingType]:
    """Key bindings for ``actions``, each with an id and a tooltip.

    An action that ``needs`` something gets a second, unlisted binding on the same key (and id,
    so a remap moves both) that runs ``explain``: Textual tries it when the first is disabled.
    """
    result: list[BindingType] = []
    for a in actions:
        result.append(Binding(a.key, a.action, a.label, show=a.show, id=a.id, tooltip=a.help))
        if a.needs:
            result.append(
                Binding(
                    a.key, f"{EXPLAIN}({a.action!r})", a.label, show=False, system=True, id=a.id
                )
            )
    return result


def typing_focus(screen: Screen[Any]) -> bool:
    """True while the focus is on a text field or anywhere in a :data:`TYPING_ZONE`."""
    focused = screen.focused
    if focused is None:
        return False
    if isinstance(focused, (Input, TextArea)):
        return True
    return any(node.has_class(TYPING_ZONE) for node in focused.ancestors_with_self)


def action_keys(node: DOMNode, action: str) -> list[str]:
    """The keys bound to ``action`` on ``node`` (a screen or the app) as displayed, remapped
    keys included."""
    app = node.app
    bindings = node._bindings.copy()
    if app._keymap:
        bindings.apply_keymap(app._keymap)  # as Textual applies it to the binding chain
    keys: list[str] = []
    for bound in bindings.key_to_bindings.values():
        for binding in bound:
            shown = app.get_key_display(binding)
            if binding.action == action and not binding.system and shown not in keys:
                keys.append(shown)
    return keys


def with_keys(title: str | Content, keys: list[str]) -> Content:
    """A palette entry's title followed by its keys, dimmed."""
    shown = Content(title) if isinstance(title, str) else title
    if not keys:
        return shown
    return Content.assemble(shown, ("  " + " / ".join(keys), "dim"))


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
        """Every action with its keys, for the empty palette."""
        for action, command in self._commands():
            keys = action_keys(self.screen, action.action)
            yield DiscoveryHit(
                with_keys(action.title, keys), command, text=action.title, help=action.help
            )

    async def search(self, query: str) -> Hits:
        """The actions whose title matches ``query``, with their keys."""
        matcher = self.matcher(query)
        for action, command in self._commands():
            score = matcher.match(action.title)
            if score > 0:
                keys = action_keys(self.screen, action.action)
                highlighted = with_keys(matcher.highlight(action.title), keys)
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
    # Every key of an action on one line ("f5 / ctrl+r"), in the order first bound.
    keys: dict[str, list[str]] = {}
    texts: dict[str, str] = {}
    for item in active:
        binding = item.binding
        if binding.system or binding.action.startswith("app.focus"):
            continue
        shown = app.get_key_display(binding)
        if shown not in keys.setdefault(binding.action, []):
            keys[binding.action].append(shown)
        texts.setdefault(binding.action, binding.tooltip or binding.description or binding.action)
    listed = [(" / ".join(keys[action]), texts[action]) for action in keys]
    # Actions hidden right now (e.g. Cancel with nothing in flight) are still worth knowing.
    for action in screen_actions(screen):
        if action.action not in keys:
            shown_keys = action_keys(screen, action.action) or [action.key]
            listed.append((" / ".join(shown_keys), f"{action.help} (when useful)"))
    listed.append(("tab / shift+tab", "Move between the fields and the panes"))
    return listed
