"""Property tests over every input: accepted and sent exactly as signed, or refused by field.

Random unicode, control characters, very long values, leading slashes, invalid dates and bucket
names at and past every rule go through the same validation the TUI form and the headless flags
use. What is accepted is sent to the emulator, whose signature check proves the request arrived
exactly as signed, and whose NoSuchKey document echoes the key it understood.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator

import pytest
from faultserver import fault_server
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ossbrowse import cli
from ossbrowse.emulator import Emulator
from ossbrowse.oss.client import OssClient
from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.error_document import clean
from ossbrowse.oss.profile import Profile
from ossbrowse.oss.validation import InputErrors

BUCKET = "prop-bucket"
FIELDS = {
    "bucket",
    "key",
    "version_id",
    "if_match",
    "if_none_match",
    "if_modified_since",
    "if_unmodified_since",
}
CONTROL = re.compile("[\x00-\x1f\x7f]")
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

any_text = st.text(max_size=40)
hostile_text = st.one_of(
    any_text,
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=5),  # control characters
    st.text(min_size=1, max_size=5).map(lambda s: "/" + s),  # leading slash
    st.text(min_size=1, max_size=5).map(lambda s: "\\" + s),
    st.integers(1000, 1100).map(lambda n: "k" * n),  # around the 1023-byte limit
    st.integers(330, 350).map(lambda n: "文" * n),  # 3 bytes a character
)
buckets = st.one_of(
    st.just(BUCKET),
    st.from_regex(r"[a-z0-9][a-z0-9-]{1,61}[a-z0-9]", fullmatch=True),
    st.integers(0, 70).map(lambda n: "b" * n),  # lengths at and past 3 and 63
    st.sampled_from(["-bucket", "bucket-", "Bucket", "buck_et", "buck.et", "bu", "b" * 64]),
    any_text,
)
dates = st.one_of(
    st.just(""),
    st.sampled_from(
        ["Sun, 06 Nov 1994 08:49:37 GMT", "2026-01-02T03:04:05Z", "2026-01-02", "yesterday"]
    ),
    any_text,
)
etags = st.one_of(
    st.just(""), st.sampled_from(['"abc"', "abc", "*", 'W/"x"', '"a", "b"']), any_text
)


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with Emulator() as emu:
        import oss2

        oss2.Bucket(
            oss2.AuthV4(emu.access_key_id, emu.access_key_secret),
            emu.endpoint,
            BUCKET,
            region=emu.region,
            is_path_style=True,
        ).create_bucket()
        yield emu


def _profile(emu: Emulator) -> Profile:
    return emu.profile()


@SETTINGS
@given(
    bucket=buckets,
    key=hostile_text,
    version_id=st.one_of(st.just(""), any_text),
    if_match=etags,
    if_none_match=etags,
    if_modified_since=dates,
    if_unmodified_since=dates,
)
# A C1 control character in a key is legal for OSS and shown escaped when echoed back.
@example(
    bucket=BUCKET,
    key="\x80",
    version_id="",
    if_match="",
    if_none_match="",
    if_modified_since="",
    if_unmodified_since="",
)
# A C0 control character too: OSS stores such keys and the explorer lists them, so they can be
# HEADed; XML cannot carry it in the echoed <Key>, which is read with U+FFFD in its place.
@example(
    bucket=BUCKET,
    key="tab\there\x01",
    version_id="",
    if_match="",
    if_none_match="",
    if_modified_since="",
    if_unmodified_since="",
)
def test_form_values_are_sent_exactly_or_refused_by_field(
    emulator: Emulator, **fields: str
) -> None:
    try:
        request = build_head_request(**fields)
    except InputErrors as errors:
        assert errors.errors
        for error in errors.errors:
            assert error.field in FIELDS and error.message
        return

    def send() -> tuple[int | None, dict[str, str]]:
        with OssClient(_profile(emulator)) as client:
            result = client.head_object(request)
            return result.status, dict(result.error.fields) if result.error else {}

    status, error = send()
    # Never a signature problem: what was accepted went out exactly as signed. A version id
    # that names no version of the object may be refused by the server, as OSS does.
    if status == 400:
        assert request.version_id and error["Code"] == "InvalidArgument", error
        assert "version" in error["Message"].lower()
        return
    assert status in (200, 304, 404, 412), (status, error)
    if status == 404 and request.bucket == BUCKET and not request.version_id:
        assert error["Code"] == "NoSuchKey"
        if not CONTROL.search(request.key):
            # The echoed key is shown through the one display policy (control characters
            # escaped), so compare it with the key sent, shown the same way.
            assert error["Key"] == clean(request.key)
        else:
            # XML changes line breaks and cannot carry most C0 controls at all: the document is
            # still read (its code, its message), the controls it could not carry as U+FFFD.
            assert error["Code"] == "NoSuchKey" and "Key" in error
            if XML_ILLEGAL.search(request.key):
                assert "\ufffd" in error["Key"]


@SETTINGS
@given(
    flag=st.sampled_from(
        [
            "--bucket",
            "--key",
            "--version-id",
            "--if-match",
            "--if-none-match",
            "--if-modified-since",
            "--if-unmodified-since",
        ]
    ),
    value=hostile_text.filter(lambda v: not v.startswith("-")),
)
def test_headless_flags_exit_1_naming_the_flag_or_send(
    emulator: Emulator, flag: str, value: str
) -> None:
    argv = ["head", "--bucket", BUCKET, "--key", "fixed-key", "-e", emulator.endpoint]
    argv += ["--region", emulator.region, "-i", emulator.access_key_id]
    argv += ["-k", emulator.access_key_secret, "--retry-times", "0", flag, value]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exc:  # argparse refusing a value (e.g. an empty --bucket)
            code = int(exc.code or 0)
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text
    if code == cli.EXIT_BAD_INPUT:
        # argparse names the flag in "argument --flag: ..."; our checks in "--flag: ...".
        assert flag in err.getvalue()
        # Nothing was sent: the same command aimed at a recording server reaches it not at all.
        with fault_server() as recorder, contextlib.redirect_stderr(io.StringIO()):
            argv[argv.index("-e") + 1] = recorder.endpoint
            try:
                again = cli.main(argv)
            except SystemExit as exc:
                again = int(exc.code or 0)
        assert again == cli.EXIT_BAD_INPUT and recorder.seen == []
    else:
        assert code in (cli.EXIT_OK, cli.EXIT_SERVER_ERROR, 4, 5), text
        assert "SignatureDoesNotMatch" not in text
        if "InvalidArgument" in text:
            assert flag == "--version-id" and "Invalid version id" in text
