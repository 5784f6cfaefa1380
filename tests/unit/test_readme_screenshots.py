"""The README's screenshots: each one it names exists, and no two share a number.

A reader follows the pictures by their number; two files numbered alike (or a picture the
README names but nobody made) send them to the wrong one.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
README = (ROOT / "README.md").read_text(encoding="utf-8")
SCRIPT = (ROOT / "scripts" / "make_screenshots.py").read_text(encoding="utf-8")


def test_every_screenshot_the_readme_names_exists() -> None:
    named = set(re.findall(r"screenshots/([\w.-]+\.(?:svg|png))", README))
    assert named, "the README shows screenshots"
    missing = sorted(name for name in named if not (SHOTS / name).is_file())
    assert missing == []


def test_no_two_screenshots_share_a_number() -> None:
    numbers = Counter(p.name.split("-", 1)[0] for p in SHOTS.iterdir())
    assert {n: c for n, c in numbers.items() if c > 1} == {}


def test_the_script_writes_the_svg_screenshots_under_their_names() -> None:
    written = set(re.findall(r'save\(app, pilot, "([\w-]+)"', SCRIPT))
    svgs = {p.stem for p in SHOTS.glob("*.svg")}
    assert svgs == written
