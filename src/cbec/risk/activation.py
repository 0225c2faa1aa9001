"""Rule sets at run time: upload a version, activate it from a date, with an audit record of who
changed what (版本化启用、变更留痕).

The rule sets shipped in ``cbec/risk/parameters/rules/`` are the default. A risk officer may upload
a new version (YAML, checked by the same parser — a malformed rule set is refused with every
problem listed) and activate it from a day; from that day the clearance batch scores with it, with
no restart (each batch asks which version is in force). Every assessment names the version it used,
so a past decision stays explainable after the rules change. Uploads are never edited: a change is
a new version.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cbec.errors import ConflictError, ErrorCode, InvalidInputError, NotFoundError
from cbec.kernel.dates import utc_now
from cbec.risk.models import RuleSetVersion
from cbec.risk.rules import RuleSet, load_rules
from cbec.risk.rules.catalogue import RuleSetError, parse_rule_set, rule_versions
from cbec.rules.schema import ParameterSchemaError, load_yaml_text


@functools.lru_cache(maxsize=16)
def parse_text(text: str, source: str = "upload") -> RuleSet:
    """Parse and check a rule set's YAML text (cached by text)."""
    return parse_rule_set(load_yaml_text(text, source=source), source=source)


def upload(session: Session, *, text: str, actor: str) -> tuple[RuleSetVersion, RuleSet]:
    """Store a checked rule set as a draft version.

    Raises:
        InvalidInputError: the text is not a valid rule set (every problem listed).
        ConflictError: the version name is taken (shipped or uploaded).
    """
    try:
        rule_set = parse_text(text)
    except (RuleSetError, ParameterSchemaError) as exc:
        raise InvalidInputError(ErrorCode.RULE_SET_INVALID, data={"problems": str(exc)}) from exc
    taken = set(rule_versions()) | set(session.scalars(select(RuleSetVersion.version)))
    if rule_set.version in taken:
        raise ConflictError(ErrorCode.RULE_SET_VERSION_TAKEN, data={"version": rule_set.version})
    row = RuleSetVersion(
        version=rule_set.version,
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        uploaded_by=actor,
    )
    session.add(row)
    session.flush()
    return row, rule_set


def activate(session: Session, version: str, *, active_from: date, actor: str, today: date) -> RuleSetVersion:
    """Activate an uploaded version from ``active_from`` (today or later; once).

    Raises:
        NotFoundError: no such uploaded version.
        InvalidInputError: the day is in the past, or before the rule set's own ``valid_from``.
        ConflictError: the version is already activated.
    """
    row = session.scalars(select(RuleSetVersion).where(RuleSetVersion.version == version)).one_or_none()
    if row is None:
        raise NotFoundError(ErrorCode.NOT_FOUND, data={"version": version})
    if row.active_from is not None:
        raise ConflictError(ErrorCode.RULE_SET_ALREADY_ACTIVE, data={"version": version})
    rule_set = parse_text(row.text)
    if active_from < today:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED,
            "启用日期不能早于今天（已作出的决定不改写）",
            data={"field": "active_from"},
        )
    if active_from < rule_set.valid_from:
        raise InvalidInputError(
            ErrorCode.VALIDATION_FAILED,
            "启用日期早于规则集生效日期",
            data={"valid_from": str(rule_set.valid_from)},
        )
    row.active_from = active_from
    row.activated_by = actor
    row.activated_at = utc_now()
    return row


def in_force(session: Session, day: date) -> RuleSet:
    """The rule set in force on ``day``: the latest activation on or before it, else the shipped one."""
    row = session.scalars(
        select(RuleSetVersion)
        .where(RuleSetVersion.active_from.is_not(None), RuleSetVersion.active_from <= day)
        .order_by(RuleSetVersion.active_from.desc(), RuleSetVersion.activated_at.desc())
        .limit(1)
    ).one_or_none()
    return parse_text(row.text) if row is not None else load_rules(on=day)


def changes(before: RuleSet, after: RuleSet) -> dict[str, list[str]]:
    """Rule ids added, removed and changed (condition, weight, action or reference) between two sets."""
    old = {rule.id: rule for rule in before.rules}
    new = {rule.id: rule for rule in after.rules}
    return {
        "added": sorted(new.keys() - old.keys()),
        "removed": sorted(old.keys() - new.keys()),
        "changed": sorted(i for i in new.keys() & old.keys() if new[i] != old[i]),
    }


def versions(session: Session) -> Sequence[RuleSetVersion]:
    """Uploaded versions, newest first."""
    return session.scalars(select(RuleSetVersion).order_by(RuleSetVersion.uploaded_at.desc())).all()


def version_out(row: RuleSetVersion) -> dict[str, Any]:
    rule_set = parse_text(row.text)
    return {
        "version": row.version,
        "valid_from": rule_set.valid_from.isoformat(),
        "description": rule_set.description,
        "approved_by": rule_set.approved_by,
        "rules": len(rule_set.rules),
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
        "active_from": row.active_from.isoformat() if row.active_from else None,
        "activated_by": row.activated_by,
    }
