"""ossbrowse's own client and `ossbrowse head` on the same conditional matrix as the SDKs.

The official SDKs establish what the emulator answers (test_emulator_sdk.py); here our client,
with V4 and V1 signing, must get the same status for every case, name the same outcome, and
give the matching exit status on the command line. Unparsable dates are the one difference by
design: ossbrowse refuses to send them, naming the field.

Signatures: the emulator verifies them with ossbrowse's own canonicalisation, so these tests
cannot catch a canonicalisation bug (both sides would agree on it); the signing vectors and the
SDK cross-check in ``tests/unit`` do.
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from conditional_matrix import LM, UNPARSABLE, conditions

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.results import Outcome
from ossbrowse.oss.validation import InputErrors

BUCKET, KEY = "matrix-bucket", "cond.txt"
OUTCOME = {200: Outcome.OK, 304: Outcome.NOT_MODIFIED, 412: Outcome.PRECONDITION_FAILED}
EXIT = {200: cli.EXIT_OK, 304: cli.EXIT_NOT_MODIFIED, 412: cli.EXIT_PRECONDITION_FAILED}


@pytest.fixture
def seeded(emulator: Emulator) -> str:
    emulator.store.create_bucket(BUCKET, region=emulator.region)
    version = emulator.store.put_object(
        BUCKET, KEY, b"conditional\n", last_modified=LM, content_type="text/plain"
    )
    return version.etag


@pytest.mark.parametrize("sign_version", ["v4", "v1"])
def test_client_matrix(emulator: Emulator, seeded: str, sign_version: str) -> None:
    profile = emulator.profile(sign_version=sign_version)

    def run() -> dict[str, int | None]:
        statuses: dict[str, int | None] = {}
        with OssClient(profile) as client:
            for name, cond, expected in conditions(seeded):
                if name in UNPARSABLE:
                    with pytest.raises(InputErrors) as refused:
                        build_head_request(bucket=BUCKET, key=KEY, **cond)
                    assert {e.field for e in refused.value.errors} == set(cond)
                    continue
                result = client.head_object(build_head_request(bucket=BUCKET, key=KEY, **cond))
                statuses[name] = result.status
                assert result.outcome is OUTCOME[expected], name
                assert result.summary, name
                # The validators come back on 304 and 412 too, so the table can be filled.
                assert result.etag == seeded, name
        return statuses

    statuses = run()
    expected = {n: s for n, _, s in conditions(seeded) if n not in UNPARSABLE}
    assert statuses == expected


def test_head_command_matrix(emulator: Emulator, seeded: str) -> None:
    for name, cond, expected in conditions(seeded):
        argv = ["head", "--bucket", BUCKET, "--key", KEY, "-e", emulator.endpoint]
        argv += ["--region", emulator.region, "-i", emulator.access_key_id]
        argv += ["-k", emulator.access_key_secret, "--output-format", "json"]
        for field, value in cond.items():
            argv += [f"--{field.replace('_', '-')}", value]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
        if name in UNPARSABLE:
            assert code == cli.EXIT_BAD_INPUT and "nothing was sent" in err.getvalue(), name
            continue
        assert code == EXIT[expected], (name, out.getvalue())
        assert json.loads(out.getvalue())["status"] == expected, name
