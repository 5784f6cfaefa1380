"""YAML output that can never drive a terminal: unsafe characters escaped in quoted strings.

Kept apart from :mod:`ossbrowse.oss.render` so that yaml is imported only when YAML is asked for.
"""

from __future__ import annotations

from typing import Any

import yaml

from ossbrowse.oss.safetext import UNSAFE_RE


class _SafeTextDumper(yaml.SafeDumper):
    """YAML escapes C0 and C1 controls itself but counts bidi controls as printable: a string
    holding any unsafe character is double-quoted with everything outside ASCII escaped."""

    def write_double_quoted(self, text: str, split: bool = True) -> None:
        if not UNSAFE_RE.search(text):
            super().write_double_quoted(text, split)
            return
        kept, self.allow_unicode = self.allow_unicode, False
        try:
            super().write_double_quoted(text, split)
        finally:
            self.allow_unicode = kept


def _represent_str(dumper: _SafeTextDumper, data: str) -> yaml.ScalarNode:
    style = '"' if UNSAFE_RE.search(data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_SafeTextDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """``data`` as block-style YAML, keys in order, unsafe characters escaped."""
    return yaml.dump(
        data,
        Dumper=_SafeTextDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
    )
