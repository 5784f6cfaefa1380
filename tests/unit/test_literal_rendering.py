"""Outside text reaches the screen only through ``ossbrowse.ui.literal``: a rule read from source.

Textual and Rich read a plain ``str`` as markup in many places. The UI is safe by construction
only if no module but ``literal.py`` can reach those places, so this test parses every module of
``ossbrowse.ui`` and fails on any of:

* a ``.notify(...)`` call (use ``literal.notify``);
* ``from_markup`` or ``render_str`` (use ``literal.template`` with a constant);
* a ``template(...)`` whose markup is not a constant of our own;
* an import of a widget or table that reads a ``str`` as markup (``Static``, ``Label``,
  ``DataTable``, ``Option``, Rich ``Table``) or of a markup module;
* any ``markup=`` argument;
* a tooltip, border title or app title set to something other than a constant, ``None`` or
  what ``plain``/``template`` built;
* a ``Button`` label that is not a constant;
* an ``OptionList`` given anything but ``option(...)`` entries.

The checker itself is tested on small bad sources, so a rule that stops matching fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ossbrowse.ui

UI = Path(ossbrowse.ui.__file__).parent
HELPER = UI / "literal.py"

# Names whose import is reserved to literal.py, by module.
BANNED_IMPORTS = {
    "textual.widgets": {"Static", "Label", "DataTable", "Log", "RichLog"},
    "textual.widgets.option_list": {"Option"},
    "rich.table": {"Table"},
}
BANNED_MODULES = {"textual.markup", "rich.markup"}
TITLE_ATTRIBUTES = {"tooltip", "border_title", "border_subtitle", "title", "sub_title"}
LITERAL_BUILDERS = {"plain", "template"}


def _module_constants(tree: ast.Module) -> set[str]:
    """Names bound at module level to a string literal (our own constant markup)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            if isinstance(node.value.value, str):
                names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _is_constant(node: ast.expr | None, constants: set[str]) -> bool:
    if node is None:
        return True
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Name) and node.id in constants


def _calls(node: ast.expr, names: set[str]) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in names


def violations(source: str, name: str = "<source>") -> list[str]:
    """Every breach of the rules above in ``source``, as ``name:line: what``."""
    tree = ast.parse(source)
    constants = _module_constants(tree)
    found: list[str] = []

    def say(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module in BANNED_MODULES:
                say(node, f"imports {node.module}")
            for alias in node.names:
                if alias.name in BANNED_IMPORTS.get(node.module, set()):
                    say(node, f"imports {alias.name} from {node.module} (use literal.py)")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in BANNED_MODULES:
                    say(node, f"imports {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in ("from_markup", "render_str"):
            say(node, f"uses {node.attr} (use literal.template with a constant)")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "notify":
                say(node, "calls .notify() (use literal.notify)")
            for keyword in node.keywords:
                if keyword.arg == "markup":
                    say(node, "passes markup= (use the literal widgets)")
            if isinstance(func, ast.Name) and func.id == "template":
                if not node.args or not _is_constant(node.args[0], constants):
                    say(node, "template() markup is not a constant")
            if isinstance(func, ast.Name) and func.id == "Button":
                label = node.args[0] if node.args else None
                if not _is_constant(label, constants):
                    say(node, "Button label is not a constant")
            if isinstance(func, ast.Name) and func.id == "OptionList":
                for arg in node.args:
                    entry = arg.value if isinstance(arg, ast.Starred) else arg
                    if isinstance(entry, ast.GeneratorExp | ast.ListComp):
                        entry = entry.elt
                    if not _calls(entry, {"option"}):
                        say(node, "OptionList entry not built by option()")
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in TITLE_ATTRIBUTES:
                    value = node.value
                    if not (_is_constant(value, constants) or _calls(value, LITERAL_BUILDERS)):
                        say(node, f"sets .{target.attr} to text not built by plain/template")
    return found


def ui_modules() -> list[Path]:
    return sorted(p for p in UI.rglob("*.py") if p != HELPER)


def test_the_ui_sources_follow_the_rules() -> None:
    assert len(ui_modules()) > 15
    found = [v for path in ui_modules() for v in violations(path.read_text(), str(path))]
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "self.notify(message)",
        "self.app.notify(str(exc), markup=False)",
        "from textual.widgets import Static",
        "from textual.widgets import Button, Label",
        "from textual.widgets import DataTable",
        "from textual.widgets.option_list import Option",
        "from rich.table import Table",
        "from textual.markup import escape",
        "import rich.markup",
        "Content.from_markup(f'[b]{key}[/b]')",
        "Text.from_markup(value)",
        "self.render_str(value)",
        "template(f'[b]{key}[/b]')",
        "template(message)",
        "Widget(markup=True)",
        "SomeList(markup=False)",
        "self.input.tooltip = message",
        "self.border_title = f'{name}'",
        "app.sub_title = profile.name",
        "Button(name)",
        "OptionList(*names)",
        "OptionList(*(Option(n) for n in names))",
    ],
)
def test_the_checker_catches_each_way_to_render_markup(source: str) -> None:
    assert violations(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "notify(self, str(exc), title=name)",
        "HINT = '[b]F5[/b] sends'\ntemplate(HINT)",
        "template('[b]Copied $what[/b]', what=self.what)",
        "self.input.tooltip = plain(message)",
        "self.input.tooltip = None",
        "Button('HEAD', id='send')",
        "OptionList(*(option(describe(r), id=str(i)) for i, r in enumerate(rs)))",
        "from textual.widgets import Button, Input",
        "Content.assemble(('ETag ', 'dim'), plain(etag))",
    ],
)
def test_the_checker_accepts_the_literal_ways(source: str) -> None:
    assert violations(source) == []
