"""What a watch says when an answer changes, and how long it waits after failures."""

from __future__ import annotations

from datetime import UTC, datetime

from ossbrowse.oss.conditions import build_head_request
from ossbrowse.oss.results import ConditionCheck, HeadResult, Outcome, Verdict
from ossbrowse.watch import MAX_BACKOFF, backoff, describe_change, is_failure, observation

AT = datetime(2026, 3, 14, 14, 2, 7, tzinfo=UTC)
REQUEST = build_head_request(bucket="bkt", key="k", if_match='"aaa"')


def answer(status: int | None, outcome: Outcome, etag: str | None, verdict: Verdict | None = None):
    checks = (ConditionCheck("If-Match", '"aaa"', etag, "", verdict, ""),) if verdict else ()
    return HeadResult(REQUEST, "", status, outcome, etag=etag, conditions=checks)


def test_an_if_match_that_would_now_fail_names_the_etag_change_and_its_time() -> None:
    before = answer(200, Outcome.OK, '"aaa"', Verdict.PASSED)
    after = answer(412, Outcome.PRECONDITION_FAILED, '"bbb"', Verdict.FAILED)
    assert observation(before) != observation(after)
    assert describe_change(before, after, AT) == (
        "If-Match would now fail (412 Precondition Failed): the ETag changed at 14:02:07 UTC "
        'from "aaa" to "bbb".'
    )


def test_a_new_status_without_a_condition_and_a_deleted_object() -> None:
    before = answer(200, Outcome.OK, '"aaa"')
    gone = answer(404, Outcome.NOT_FOUND, None)
    assert describe_change(before, gone, AT) == (
        "The answer is now 404 Not Found (was 200 OK): the object is gone at 14:02:07 UTC."
    )
    rewritten = answer(200, Outcome.OK, '"ccc"')
    assert describe_change(before, rewritten, AT).startswith(
        'Still 200 OK, but the object changed: the ETag changed at 14:02:07 UTC from "aaa"'
    )


def test_the_same_answer_is_not_a_change() -> None:
    assert observation(answer(200, Outcome.OK, '"a"')) == observation(
        answer(200, Outcome.OK, '"a"')
    )


def test_failures_double_the_wait_up_to_a_minute() -> None:
    assert [backoff(5, n) for n in range(6)] == [5, 10, 20, 40, MAX_BACKOFF, MAX_BACKOFF]
    assert backoff(90, 3) == 90  # an interval above the cap is never shortened
    assert is_failure(answer(None, Outcome.NO_ANSWER, None))
    assert is_failure(answer(503, Outcome.ERROR, None))
    assert not is_failure(answer(404, Outcome.NOT_FOUND, None))
