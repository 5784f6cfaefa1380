"""The form's inline validation never disagrees with what the core would send (hypothesis).

For any text in any field, the field's validator accepts it exactly when ``build_head_request``
accepts it, and the value the field previews is the value that goes on the wire.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ossbrowse.oss.conditions import build_head_request, request_headers
from ossbrowse.oss.validation import InputErrors
from ossbrowse.ui.fields import FIELDS, CoreRule, preview_text

VALID = {"bucket": "demo-bucket", "key": "hello.txt"}
HEADER_OF = {
    "if_match": "If-Match",
    "if_none_match": "If-None-Match",
    "if_modified_since": "If-Modified-Since",
    "if_unmodified_since": "If-Unmodified-Since",
}

texts = st.one_of(
    st.text(max_size=80),
    st.text(alphabet='abcdefABCDEF0123456789-"W/*, ', max_size=60),
    st.sampled_from(
        [
            "",
            " ",
            "*",
            'W/"x"',
            "2026-03-14",
            "Sat, 14 Mar 2026 09:26:53 GMT",
            "1969-12-31",
            "/lead",
            "-bad-",
            "a" * 1024,
            "\x00",
            "é",
            "a b",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(0, len(FIELDS) - 1), text=texts)
def test_validator_agrees_with_the_core(index: int, text: str) -> None:
    spec = FIELDS[index]
    accepted_by_form = CoreRule(spec).validate(text).is_valid
    try:
        request = build_head_request(**{**VALID, spec.name: text})
    except InputErrors as errors:
        assert {e.field for e in errors.errors} == {spec.name}
        assert not accepted_by_form
        return
    assert accepted_by_form
    shown = preview_text(spec, text)
    header = HEADER_OF.get(spec.name)
    if header is not None and shown is not None:
        assert request_headers(request)[header] == shown
