"""Bucket lifecycle: Put/Get/DeleteBucketLifecycle with Expiration rules.

The emulator keeps rules whose action is an ``Expiration`` in ``Days`` or at a date
(``CreatedBeforeDate``, or the older ``Date``), filtered by ``Prefix``; HEAD and GET then report
``x-oss-expiration`` (:func:`ossbrowse.emulator.object_state.expiration_header`). It does not
delete anything when the date passes. A rule with any other action or filter (Transition,
AbortMultipartUpload, noncurrent versions, tags) is refused with 501 rather than half-kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from ossbrowse.emulator.errors import EC, OssError, invalid_argument, not_implemented
from ossbrowse.emulator.model import LifecycleRule
from ossbrowse.emulator.xmlgen import XML_DECLARATION, element

MAX_RULES = 1000
MAX_ID = 255
_RULE_ELEMENTS = {"ID", "Prefix", "Status", "Expiration"}
_EXPIRATION_ELEMENTS = {"Days", "CreatedBeforeDate", "Date"}


def _malformed(detail: str) -> OssError:
    return OssError(
        400,
        "MalformedXML",
        f"The XML you provided was not well-formed: {detail}",
        EC["MalformedXML"],
    )


def no_such_lifecycle(bucket: str) -> OssError:
    """404 NoSuchLifecycle: the bucket has no lifecycle rules."""
    return OssError(
        404,
        "NoSuchLifecycle",
        "No Row found in Lifecycle Table.",
        EC["NoSuchLifecycle"],
        (("BucketName", bucket),),
    )


def _midnight(text: str) -> int:
    """POSIX seconds of an ISO 8601 midnight UTC (``2026-01-01T00:00:00.000Z``); 400 else."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if (
        moment is None
        or moment.tzinfo is None
        or moment.utcoffset() != UTC.utcoffset(None)
        or (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0)
    ):
        raise invalid_argument(
            "The date must be midnight UTC in ISO 8601 (2026-01-01T00:00:00.000Z).",
            "CreatedBeforeDate",
            text,
        )
    return int(moment.timestamp())


def _rule(node: Element, number: int) -> LifecycleRule:
    for child in node:
        if child.tag not in _RULE_ELEMENTS:
            raise not_implemented(f"Lifecycle rules with <{child.tag}>")
    rule_id = (node.findtext("ID") or "").strip() or f"rule-{number}"
    if len(rule_id.encode("utf-8")) > MAX_ID:
        raise invalid_argument(f"A rule ID is at most {MAX_ID} bytes.", "ID", rule_id)
    status = node.findtext("Status")
    if status not in ("Enabled", "Disabled"):
        raise _malformed("every <Rule> needs <Status>Enabled</Status> or Disabled")
    expiration = node.find("Expiration")
    if expiration is None:
        raise _malformed("every <Rule> needs an <Expiration>")
    for child in expiration:
        if child.tag not in _EXPIRATION_ELEMENTS:
            raise not_implemented(f"Lifecycle expiration by <{child.tag}>")
    days = expiration.findtext("Days")
    element = "CreatedBeforeDate" if expiration.find("CreatedBeforeDate") is not None else "Date"
    date = expiration.findtext(element)
    if (days is None) == (date is None):
        raise _malformed("an <Expiration> needs exactly one of <Days> or <CreatedBeforeDate>")
    if days is not None:
        text = days.strip()
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            raise invalid_argument("Days must be a positive integer.", "Days", days)
        return LifecycleRule(rule_id, node.findtext("Prefix") or "", status == "Enabled", int(text))
    assert date is not None
    return LifecycleRule(
        rule_id,
        node.findtext("Prefix") or "",
        status == "Enabled",
        created_before=_midnight(date),
        date_element=element,
    )


def parse_lifecycle(body: bytes) -> tuple[LifecycleRule, ...]:
    """The rules of a ``LifecycleConfiguration`` document, checked."""
    try:
        root = ElementTree.fromstring(body) if body.strip() else None
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        raise _malformed(str(exc)) from None
    if root is None or root.tag != "LifecycleConfiguration":
        raise _malformed("expected a <LifecycleConfiguration> document")
    nodes = root.findall("Rule")
    if not 1 <= len(nodes) <= MAX_RULES:
        raise _malformed(f"a lifecycle configuration has 1 to {MAX_RULES} rules")
    rules = tuple(_rule(node, number) for number, node in enumerate(nodes, 1))
    ids = [rule.rule_id for rule in rules]
    if len(set(ids)) != len(ids):
        raise invalid_argument("Rule IDs must be unique.", "ID", ",".join(ids))
    return rules


def _iso(posix: int) -> str:
    return datetime.fromtimestamp(posix, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def render_lifecycle(rules: Sequence[LifecycleRule]) -> bytes:
    """GetBucketLifecycle's document."""
    parts = [XML_DECLARATION, "<LifecycleConfiguration>"]
    for rule in rules:
        if rule.days is not None:
            action = element("Days", rule.days)
        else:
            action = element(rule.date_element, _iso(rule.created_before or 0))
        parts.append(
            "<Rule>"
            + element("ID", rule.rule_id)
            + element("Prefix", rule.prefix)
            + element("Status", "Enabled" if rule.enabled else "Disabled")
            + f"<Expiration>{action}</Expiration>"
            + "</Rule>"
        )
    parts.append("</LifecycleConfiguration>")
    return "".join(parts).encode("utf-8")
