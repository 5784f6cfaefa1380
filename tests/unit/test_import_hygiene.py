"""The protocol core stands alone: it loads without the config readers, the terminal UI or the
emulator (scripts stay light, and the core can be reused and tested on its own)."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import ossbrowse.oss

CORE = [
    "ossbrowse.oss.client",
    "ossbrowse.oss.conditions",
    "ossbrowse.oss.errors",
    "ossbrowse.oss.profile",
    "ossbrowse.oss.redact",
    "ossbrowse.oss.results",
    "ossbrowse.oss.validation",
]
# What sits above the core: reading flags/environment/files, the TUI, the emulator.
ABOVE = ("ossbrowse.config", "ossbrowse.config_file", "ossbrowse.ui", "ossbrowse.emulator")


def _above(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in ABOVE)


# Imports every module in a fresh interpreter and reports what got loaded alongside.
PROBE = """
import importlib, json, pkgutil, sys
import ossbrowse.oss
core = json.loads(sys.argv[1])
for name in core:
    importlib.import_module(name)
others = []
for info in pkgutil.iter_modules(ossbrowse.oss.__path__, "ossbrowse.oss."):
    if info.name in core:
        continue
    try:
        importlib.import_module(info.name)
    except ImportError as exc:
        # A sibling that cannot be imported in this checkout (missing optional piece) is skipped;
        # one that pulls in the UI or emulator is still caught below by sys.modules.
        others.append([info.name, repr(exc)])
    else:
        others.append([info.name, None])
print(json.dumps({"modules": sorted(sys.modules), "others": others}))
"""


def _probe() -> dict[str, list]:  # type: ignore[type-arg]
    root = Path(ossbrowse.oss.__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(CORE)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
        check=True,
    )
    return json.loads(done.stdout)


def test_core_modules_do_not_load_config_textual_ui_or_emulator() -> None:
    result = _probe()
    loaded = set(result["modules"])
    assert set(CORE) <= loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
    assert sorted(m for m in loaded if _above(m)) == []


def test_every_core_module_imports_cleanly() -> None:
    """A sibling that fails to import would be skipped by the probe and escape the check."""
    failed = [(name, error) for name, error in _probe()["others"] if error is not None]
    assert failed == []


def test_the_check_sees_an_import_from_above() -> None:
    """The probe would notice the core reaching up (guards the guard)."""
    assert _above("ossbrowse.config") and _above("ossbrowse.config_file")
    assert _above("ossbrowse.ui.app") and _above("ossbrowse.emulator.store")
    assert not _above("ossbrowse.oss.profile") and not _above("ossbrowse.configuration_x")


def test_every_module_of_the_package_was_tried() -> None:
    names = {info.name for info in pkgutil.iter_modules(ossbrowse.oss.__path__, "ossbrowse.oss.")}
    result = _probe()
    tried = {name for name, _ in result["others"]} | set(CORE)
    assert names <= tried


# A dry run of `ossbrowse head` as a fresh process, reporting what it loaded.
DRY_RUN = """
import contextlib, io, json, os, sys
os.environ.update(OSS_ACCESS_KEY_ID="LTAI5tImportProbeKey00001", OSS_ACCESS_KEY_SECRET="Probe0x")
from ossbrowse import cli
with contextlib.redirect_stdout(io.StringIO()) as out:
    status = cli.main(["head", "--dry-run", "--bucket", "b-1", "--key", "k", "--region",
                       "cn-hangzhou", "-e", "http://127.0.0.1:9"])
print(json.dumps({"status": status, "printed": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def test_a_dry_run_loads_nothing_it_does_not_use(tmp_path: Path) -> None:
    root = Path(ossbrowse.oss.__file__).resolve().parents[2]
    # A home without ~/.ossutilconfig and no OSSUTIL_CONFIG_FILE: no config file to read.
    env = {k: v for k, v in os.environ.items() if k != "OSSUTIL_CONFIG_FILE"}
    env["HOME"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", DRY_RUN],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
        env=env,
    )
    report = json.loads(done.stdout)
    assert report["status"] == 0 and report["printed"].startswith("HEAD http://127.0.0.1:9/b-1/k")
    loaded = set(report["modules"])
    # Nothing is sent: no connection pool (httpcore), no YAML, no UI, no emulator.
    for unused in ("httpcore", "yaml", "textual", "ossbrowse.ui", "ossbrowse.emulator"):
        assert unused not in loaded, unused
    # Nothing is read either: no XML parser (error documents, listings), no reading of answers
    # or failures, no header meanings, and no config file parser when no file is read.
    for unused in (
        "defusedxml",
        "xml.etree.ElementTree",
        "ossbrowse.oss.errors",
        "ossbrowse.oss.error_document",
        "ossbrowse.oss.explain",
        "ossbrowse.oss.transport_errors",
        "ossbrowse.oss.meaning",
        "configparser",
    ):
        assert unused not in loaded, unused
