"""A benchmark's own data and config directories, so a run never touches the user's.

The TUI keeps a probe history and settings in the user's data and config directories; a
benchmark that sends hundreds of HEADs would otherwise fill the real history with them (and
read whatever history and theme the user has, which changes what is measured).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile


def use_scratch_dirs() -> None:
    """Point ``OSSBROWSE_DATA_DIR`` and ``OSSBROWSE_CONFIG_DIR`` at a fresh directory, removed
    at exit; child processes inherit them."""
    root = tempfile.mkdtemp(prefix="ossbrowse-bench-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for variable, name in (("OSSBROWSE_DATA_DIR", "data"), ("OSSBROWSE_CONFIG_DIR", "config")):
        path = os.path.join(root, name)
        os.mkdir(path)
        os.environ[variable] = path
