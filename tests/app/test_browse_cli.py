"""``ossbrowse browse``: a bad location is refused naming the field, nothing sent, no TUI."""

from __future__ import annotations

import pytest

from ossbrowse.cli import EXIT_BAD_INPUT, main


@pytest.mark.parametrize(
    ("argv", "field"),
    [
        (["browse", "s3://bucket/x"], "location"),
        (["browse", "oss://"], "location"),
        (["browse", "oss://Bad_Bucket/x"], "bucket"),
        (["browse", "--page-size", "5000", "oss://demo-bucket"], "--page-size"),
    ],
)
def test_a_bad_location_is_refused_naming_the_field(
    argv: list[str], field: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"ossbrowse: {field}: "), err
    assert "nothing was sent" in err
    assert "Traceback" not in err
