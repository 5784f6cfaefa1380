"""The user's UI choices kept between runs (today: the theme), in the user config directory.

Where: ``$OSSBROWSE_CONFIG_DIR`` when set (tests and the screenshot script point it at a
temporary directory), else the platform's user config directory (``platformdirs``), in
``settings.json``. Never the ossutil config file: ossbrowse only reads that one. A missing or
unreadable file means "no choice kept"; a file that cannot be written is reported, not raised.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

CONFIG_DIR_VARIABLE = "OSSBROWSE_CONFIG_DIR"
SETTINGS_NAME = "settings.json"
MAX_SETTINGS_BYTES = 64 * 1024
"""A settings file larger than this is ignored: ossbrowse writes a few dozen bytes."""


def config_dir() -> Path:
    """Where the settings live: ``$OSSBROWSE_CONFIG_DIR`` or the user config directory."""
    configured = os.environ.get(CONFIG_DIR_VARIABLE)
    if configured:
        return Path(configured)
    from platformdirs import user_config_path

    return user_config_path("ossbrowse")


def load_settings(directory: Path) -> dict[str, str]:
    """The settings kept in ``directory`` (text values only); {} when there are none."""
    path = directory / SETTINGS_NAME
    try:
        if path.stat().st_size > MAX_SETTINGS_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def save_setting(directory: Path, name: str, value: str) -> str | None:
    """Keep ``name`` = ``value`` (other settings kept); the problem as text when it fails.

    The file is replaced in one step (written beside it, then renamed), so another ossbrowse
    reading it never sees half a file.
    """
    settings = load_settings(directory)
    settings[name] = value
    path = directory / SETTINGS_NAME
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, prefix=".settings-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                json.dump(settings, file, indent=2, sort_keys=True)
                file.write("\n")
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None
