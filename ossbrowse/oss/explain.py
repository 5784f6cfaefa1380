"""Explaining a conditional HEAD: which If-* condition decided a 200 / 304 / 412, and why.

The client sees only the status and, usually, the object's ETag and Last-Modified. From those,
:func:`explain` gives every condition sent a verdict (passed, failed, ignored, unknown) with a
sentence a person can check, including the usual traps (weak tags, letter case, multipart
ETags, equal times to the second).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus

from ossbrowse.oss.etags import (
    ETag,
    if_match_passes,
    if_none_match_passes,
    parse_etag,
    parse_header_etags,
)
from ossbrowse.oss.httpdates import format_http_date, parse_http_date, whole_seconds
from ossbrowse.oss.results import ConditionCheck, HeadRequest, Verdict
from ossbrowse.oss.safetext import shorten

IF_MATCH = "If-Match"
IF_NONE_MATCH = "If-None-Match"
IF_MODIFIED_SINCE = "If-Modified-Since"
IF_UNMODIFIED_SINCE = "If-Unmodified-Since"

RULES = {
    IF_MATCH: (
        "passes when the object's ETag equals one of the values, compared strongly (a weak W/ "
        "tag never matches; quotes are not part of the value; * matches any object); "
        "otherwise 412 Precondition Failed"
    ),
    IF_UNMODIFIED_SINCE: (
        "passes when the object's Last-Modified is equal to or earlier than this time "
        "(whole seconds); otherwise 412 Precondition Failed; skipped when If-Match is sent"
    ),
    IF_NONE_MATCH: (
        "passes when the object's ETag equals none of the values, compared weakly (W/ is "
        "ignored; quotes are not part of the value; * matches any object); otherwise "
        "304 Not Modified"
    ),
    IF_MODIFIED_SINCE: (
        "passes when the object's Last-Modified is later than this time (whole seconds); an "
        "equal or later time, even one in the future, gives 304 Not Modified; skipped when "
        "If-None-Match is sent"
    ),
}
"""Each conditional header's rule in words (RFC 7232 §3 and §6, as OSS applies them)."""

# The header each one masks (RFC 7232 §6), and the reverse.
_MASKS = {IF_MATCH: IF_UNMODIFIED_SINCE, IF_NONE_MATCH: IF_MODIFIED_SINCE}
_MASKED_BY = {v: k for k, v in _MASKS.items()}
_MULTIPART_RE = re.compile(r"-\d+$")
_SHOWN = 48  # longest ETag or value quoted in a sentence


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@dataclass
class _Cond:
    header: str
    sent: str
    """The header value as sent."""
    local: bool | None
    """Whether the condition passes, judged from the response's own values; None if unknown."""
    when: datetime | None = None


def _local_verdicts(
    request: HeadRequest, exists: bool, tag: ETag | None, modified: datetime | None
) -> list[_Cond]:
    conds: list[_Cond] = []
    if request.if_match is not None:
        if request.if_match == "*":
            local = True if exists else None
        else:
            local = if_match_passes(request.if_match, tag) if tag else None
        conds.append(_Cond(IF_MATCH, request.if_match, local))
    if (ius := request.if_unmodified_since) is not None:
        local = modified <= whole_seconds(ius) if modified else None
        conds.append(_Cond(IF_UNMODIFIED_SINCE, format_http_date(ius), local, ius))
    if request.if_none_match is not None:
        if request.if_none_match == "*":
            local = False if exists else None
        else:
            local = if_none_match_passes(request.if_none_match, tag) if tag else None
        conds.append(_Cond(IF_NONE_MATCH, request.if_none_match, local))
    if (ims := request.if_modified_since) is not None:
        local = modified > whole_seconds(ims) if modified else None
        conds.append(_Cond(IF_MODIFIED_SINCE, format_http_date(ims), local, ims))
    return conds


def _etag_traps(cond: _Cond, tag: ETag | None) -> list[str]:
    """Common reasons an ETag comparison goes a way the user did not expect."""
    if tag is None or cond.sent == "*":
        return []
    traps: list[str] = []
    sent = parse_header_etags(cond.sent)
    if cond.header == IF_MATCH and any(t.weak for t in sent):
        traps.append("A weak W/ tag never passes If-Match, which compares strongly.")
    if tag.weak and cond.header == IF_MATCH:
        traps.append("The object's ETag is weak (W/), so no If-Match value can match it.")
    for t in sent:
        if t.opaque != tag.opaque and t.opaque.lower() == tag.opaque.lower():
            traps.append(
                f'"{shorten(t.opaque, _SHOWN)}" differs from the object\'s ETag only in letter '
                "case; ETags compare exactly, and OSS writes them in upper case."
            )
            break
    if _MULTIPART_RE.search(tag.opaque) and not any(t.opaque == tag.opaque for t in sent):
        traps.append(
            "The object's ETag ends in -N: it is a multipart ETag, not the MD5 of the content, "
            "so an MD5 computed locally never matches it."
        )
    return traps


def _clause(cond: _Cond, passed: bool, tag: ETag | None, modified: datetime | None) -> str:
    """What was compared and how it came out, as a clause without a final period."""
    sent = shorten(cond.sent, _SHOWN)
    obj_etag = f'the object\'s ETag "{shorten(tag.opaque, _SHOWN)}"' if tag else "the object's ETag"
    if cond.header in (IF_MATCH, IF_NONE_MATCH):
        if cond.sent == "*":
            return f"{cond.header} * matches any existing object"
        matched = passed if cond.header == IF_MATCH else not passed
        verb = "matched" if matched else "did not match"
        return f"{cond.header} {sent} {verb} {obj_etag}"
    assert cond.when is not None
    lm = (
        f"the object's Last-Modified {format_http_date(modified)}"
        if modified
        else ("the object's Last-Modified")
    )
    equal = modified is not None and modified == whole_seconds(cond.when)
    if cond.header == IF_MODIFIED_SINCE:
        if passed:
            return f"{lm} is later than If-Modified-Since {sent}"
        if equal:
            return (
                f"If-Modified-Since {sent} equals {lm} to the second, and an equal time counts "
                "as not modified (HTTP dates carry whole seconds, so a change within the same "
                "second is invisible)"
            )
        return f"If-Modified-Since {sent} is not earlier than {lm}"
    if passed:
        if equal:
            return f"{lm} equals If-Unmodified-Since {sent} to the second, which passes"
        return f"{lm} is not later than If-Unmodified-Since {sent}"
    return f"{lm} is later than If-Unmodified-Since {sent}: the object changed after that time"


def _sentence(clause: str) -> str:
    return clause[:1].upper() + clause[1:]


def _unknown_note(cond: _Cond, status: int) -> str:
    what = "ETag" if cond.header in (IF_MATCH, IF_NONE_MATCH) else "Last-Modified"
    return f" OSS did not send the object's {what} back; the verdict follows from the {status}."


def _contradiction_note(cond: _Cond, status: int) -> str:
    return (
        f" The values shown suggest the opposite, yet OSS answered {status}; the object may have "
        "changed between evaluation and response, or OSS compares differently here."
    )


def _check(
    cond: _Cond, verdict: Verdict, explanation: str, object_value: str | None
) -> ConditionCheck:
    return ConditionCheck(
        header=cond.header,
        sent=cond.sent,
        object_value=object_value,
        rule=RULES[cond.header],
        verdict=verdict,
        explanation=explanation,
    )


def explain(
    request: HeadRequest, status: int | None, etag: str | None, last_modified: str | None
) -> tuple[tuple[ConditionCheck, ...], str]:
    """Explain, condition by condition, why a HEAD came back with ``status``.

    ``etag`` and ``last_modified`` are the response's header values (either may be missing, as
    on a bare 304). Verdicts follow from the status where that is sound (a 200 means every
    evaluated condition passed) and from the object's values otherwise. Returns one
    :class:`ConditionCheck` per condition sent, and one sentence naming what decided the outcome.
    """
    tag = parse_etag(etag) if etag and etag.strip() else None
    modified = parse_http_date(last_modified) if last_modified else None
    exists = status in (200, 304, 412)
    conds = _local_verdicts(request, exists, tag, modified)

    def object_value(cond: _Cond) -> str | None:
        if cond.header in (IF_MATCH, IF_NONE_MATCH):
            return etag
        return last_modified

    if not conds:
        if status == 200:
            return (), "No conditions sent; the object exists."
        if status is None:
            return (), "No conditions sent; no answer came back."
        return (), f"No conditions sent; OSS answered {_status_text(status)}."

    if not exists:
        reason = (
            "no answer came back"
            if status is None
            else f"OSS answered {_status_text(status)} before looking at conditions"
        )
        checks = tuple(
            _check(c, Verdict.UNKNOWN, f"Not evaluated: {reason}.", object_value(c)) for c in conds
        )
        if status is None:
            return checks, "No answer came back, so the conditions were not evaluated."
        return checks, f"OSS answered {_status_text(status)}, so the conditions were not evaluated."

    assert status is not None
    by_header = {c.header: c for c in conds}
    decider = _decider(status, by_header)
    verdicts: dict[str, tuple[Verdict, str]] = {}
    stopped = False
    for cond in conds:
        masker = _MASKED_BY.get(cond.header)
        if cond is decider:
            verdicts[cond.header] = (Verdict.FAILED, "")
            stopped = True
        elif masker in by_header:
            verdicts[cond.header] = (
                Verdict.IGNORED,
                f"Skipped: {masker} was sent, and RFC 7232 §6 then ignores {cond.header}.",
            )
        elif stopped and decider is not None:
            verdicts[cond.header] = (
                Verdict.IGNORED,
                f"Not evaluated: {decider.header} failed first, and OSS stops at the first "
                "failed condition (RFC 7232 §6).",
            )
        else:
            verdicts[cond.header] = (Verdict.PASSED, "")

    evaluated: list[ConditionCheck] = []
    for cond in conds:
        verdict, text = verdicts[cond.header]
        if verdict is Verdict.IGNORED:
            if cond.local is not None and not text.startswith("Not evaluated"):
                outcome = "passed" if cond.local else "failed"
                text += (
                    f" On its own it would have {outcome}: "
                    f"{_clause(cond, cond.local, tag, modified)}."
                )
        else:
            passed = verdict is Verdict.PASSED
            text = _sentence(_clause(cond, passed, tag, modified)) + "."
            if cond.local is None and cond.sent != "*":
                text += _unknown_note(cond, status)
            elif cond.local is not None and cond.local != passed:
                text += _contradiction_note(cond, status)
            if cond.header == IF_MODIFIED_SINCE and not passed and cond.local is False:
                if modified is not None and cond.when and whole_seconds(cond.when) > modified:
                    text += (
                        " A time later than Last-Modified, even one in the future, gives 304, "
                        "as OSS does."
                    )
            if _mismatch(cond, passed):
                traps = _etag_traps(cond, tag)
                if traps:
                    text += " " + " ".join(traps)
        evaluated.append(_check(cond, verdict, text, object_value(cond)))

    return tuple(evaluated), _summary(status, conds, decider, verdicts, tag, modified)


def _mismatch(cond: _Cond, passed: bool) -> bool:
    """True when an ETag condition found (or the values show) no matching ETag."""
    if cond.header == IF_MATCH:
        return not passed or cond.local is False
    if cond.header == IF_NONE_MATCH:
        return passed or cond.local is True
    return False


def _decider(status: int, by_header: dict[str, _Cond]) -> _Cond | None:
    """The condition that produced a 304 or 412 (RFC 7232 §6 order), or None for a 200."""
    if status == 412:
        first, second = by_header.get(IF_MATCH), by_header.get(IF_UNMODIFIED_SINCE)
    elif status == 304:
        first, second = by_header.get(IF_NONE_MATCH), by_header.get(IF_MODIFIED_SINCE)
    else:
        return None
    # When the first clearly passed but the masked one clearly failed, OSS evaluated both
    # (it does not document the RFC's masking), so the second decided.
    if first is not None and first.local is True and second is not None and second.local is False:
        return second
    return first or second


def _summary(
    status: int,
    conds: Sequence[_Cond],
    decider: _Cond | None,
    verdicts: dict[str, tuple[Verdict, str]],
    tag: ETag | None,
    modified: datetime | None,
) -> str:
    outcome = f"so OSS answered {_status_text(status)}."
    if status == 200:
        passed = [c.header for c in conds if verdicts[c.header][0] is Verdict.PASSED]
        skipped = [c.header for c in conds if verdicts[c.header][0] is Verdict.IGNORED]
        text = f"Every evaluated condition passed ({', '.join(passed)})"
        if skipped:
            text += f"; {', '.join(skipped)} skipped as RFC 7232 §6 requires"
        return f"{text}, {outcome}"
    if decider is None:
        return f"OSS answered {_status_text(status)}, but no condition that can cause it was sent."
    return f"{_sentence(_clause(decider, False, tag, modified))}, {outcome}"
