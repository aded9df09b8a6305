"""The standards the facilities are measured against: data with their source, shipped as a file.

Until an admin loads or edits them, the shipped defaults (standards.json) are in force; loading a
file replaces the values of the codes it names and adds new ones. Standards differ by province.
"""
import json
import math
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MEASURES, SEVERITIES, CheckupStandard
from services.core.access import Actor
from services.core.errors import Forbidden, Invalid, NotFound
from services.core.storage.transaction import write_transaction

DEFAULTS_FILE = Path(__file__).with_name("standards.json")
TEXT_FIELDS = (("code", 60), ("name", 120), ("name_en", 120), ("unit", 40), ("source", 300))


def _row(raw: dict, where: str) -> dict:
    if not isinstance(raw, dict):
        raise Invalid("standards", f"{where}: 需要对象 / expected an object")
    row = {}
    for name, limit in TEXT_FIELDS:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > limit:
            raise Invalid(name, f"{where}: {name} 需要文字（最长 {limit} 字）/ {name} must be text up to {limit}")
        row[name] = value.strip()
    if raw.get("measure") not in MEASURES:
        raise Invalid("measure", f"{where}: measure 只能是 {', '.join(MEASURES)} / measure must be one of those")
    value = raw.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise Invalid("value", f"{where}: value 需要非负数 / value must be a non-negative number")
    kinds = raw.get("kinds")
    if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) and k for k in kinds):
        raise Invalid("kinds", f"{where}: kinds 需要类型列表 / kinds must be a list of kinds")
    severity = raw.get("severity", 7)
    if severity not in SEVERITIES:
        raise Invalid("severity", f"{where}: severity 只能是 0/1/4/7/10 / severity must be 0, 1, 4, 7 or 10")
    active = raw.get("active", True)
    if not isinstance(active, bool):
        raise Invalid("active", f"{where}: active 需要 true 或 false / active must be true or false")
    return {**row, "measure": raw["measure"], "value": float(value), "kinds": kinds, "severity": severity,
            "active": active}


def parse(text: str) -> list[dict]:
    """A standards file: {"standards": [{code, name, name_en, measure, kinds, value, unit, source, …}]}."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise Invalid("file", f"不是有效的 JSON：第 {err.lineno} 行 / not valid JSON at line {err.lineno}") from None
    items = data.get("standards") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise Invalid("standards", "文件需要 standards 列表 / the file needs a standards list")
    return [_row(raw, f"standards[{i}]") for i, raw in enumerate(items)]


def shipped() -> list[dict]:
    return parse(DEFAULTS_FILE.read_text(encoding="utf-8"))


def load(session: Session, rows: list[dict]) -> tuple[int, int]:
    """Upsert by code; (added, updated). The caller ends the transaction."""
    existing = {s.code: s for s in session.scalars(select(CheckupStandard))}
    if not existing:  # the first load keeps the shipped defaults it does not name
        rows = [*rows, *(d for d in shipped() if d["code"] not in {r["code"] for r in rows})]
    added = updated = 0
    for row in rows:
        standard = existing.get(row["code"])
        if standard is None:
            session.add(CheckupStandard(**row))
            added += 1
        else:
            for name, value in row.items():
                setattr(standard, name, value)
            updated += 1
    session.flush()
    return added, updated


def in_force(session: Session) -> list[CheckupStandard]:
    """The stored standards, or the shipped defaults (not stored) while none are."""
    stored = list(session.scalars(select(CheckupStandard).order_by(CheckupStandard.id)))
    return stored or [CheckupStandard(id=None, **row) for row in shipped()]


def change(session: Session, actor: Actor, code: str, value: float, source: str, active: bool,
           severity: int) -> CheckupStandard:
    """An admin changes one standard's figure, source, severity or whether it applies here."""
    if actor.role != "admin":
        raise Forbidden()
    if not math.isfinite(value) or value < 0:
        raise Invalid("value", "标准值需要非负数 / the standard must be a non-negative number")
    if not source.strip() or len(source) > 300:
        raise Invalid("source", "请写明出处（300 字以内）/ name the source (up to 300 characters)")
    if severity not in SEVERITIES:
        raise Invalid("severity", "severity 只能是 0/1/4/7/10 / severity must be 0, 1, 4, 7 or 10")
    with write_transaction(session):
        if not session.scalar(select(CheckupStandard.id).limit(1)):  # still the shipped defaults: store them first
            load(session, [])
        row = session.scalar(select(CheckupStandard).where(CheckupStandard.code == code))
        if row is None:
            raise NotFound()
        row.value, row.source, row.active, row.severity = value, source.strip(), active, severity
    return row


def load_file(session: Session, actor: Actor, text: str) -> tuple[int, int]:
    """An admin loads a standards file: checked whole before anything is written; (added, updated)."""
    if actor.role != "admin":
        raise Forbidden()
    rows = parse(text)
    with write_transaction(session):
        return load(session, rows)
