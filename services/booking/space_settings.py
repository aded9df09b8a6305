"""A space's settings: the defaults a new space starts with, the range each may take, and saving them.

The booking rules read these numbers on every check, so a space is never saved with settings that
no booking could satisfy (a minimum duration over the maximum, a slot outside both, hours that end
before they begin).
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload, selectinload

from models import GROUPS, SPACE_DEFAULTS, OpeningHours, Resource
from services.core import errors
from services.core.access import Actor
from services.core.errors import N_
from services.core.storage import settings_cache
from services.core.storage.transaction import write_transaction

T = TypeVar("T")

# setting: (lowest, highest) an admin may set.
BOUNDS = {"capacity": (1, 500), "floor": (-5, 50), "slot_minutes": (10, 480), "buffer_minutes": (0, 120),
          "min_duration_minutes": (5, 480), "max_duration_minutes": (10, 1440), "min_notice_minutes": (0, 10080),
          "window_days": (1, 365), "weekly_quota": (1, 50), "special_window_days": (1, 365)}
OPTIONAL = ("floor", "weekly_quota", "special_window_days")
TEXTS = {"name": 120, "name_en": 120, "kind": 40}
# The kinds of space a centre has: the API's `kind` filter, the check-up's standards and the circle read them.
SPACE_KINDS = ("elderly_care", "rehab", "counselling", "picture_book_library", "early_education", "nursery",
               "after_school", "play_area", "shared_kitchen", "meal", "health", "activity_room", "meeting_room",
               "fitness", "activity_ground")
MAX_OPERATOR = 120
MAX_AREA_M2 = 1_000_000


@dataclass
class SpaceSettings:
    """What an admin sets for a space, parsed but not yet checked."""

    texts: dict[str, str]
    numbers: dict[str, int | None]
    groups: list[str] = field(default_factory=list)
    flags: dict[str, bool] = field(default_factory=dict)  # exclusive, sensitive, active
    operator: str | None = None
    hours: list[tuple[int, time, time]] = field(default_factory=list)  # (weekday, opens, closes)
    area_m2: float | None = None  # floor area, for the check-up's facility standards


def new_space() -> Resource:
    """A space as the "new space" form first shows it: the one set of defaults."""
    return Resource(**SPACE_DEFAULTS, groups=[], group_window_days={})


def _check_number(name: str, value: int | None) -> None:
    if value is None:
        if name not in OPTIONAL:
            raise errors.Invalid(name, f"{name} 需要整数 / {name} must be a whole number")
        return
    low, high = BOUNDS[name]
    if not low <= value <= high:
        raise errors.Invalid(name, f"{name} 应在 {low}–{high} 之间 / {name} must be {low}–{high}")


def _check_kind(kind: str, current_kind: str | None) -> None:
    """One of the known kinds; a space saved before the list existed may keep the kind it has."""
    if not kind:
        raise errors.Invalid("kind", N_("请选择空间类型"))
    if kind not in SPACE_KINDS and kind != current_kind:
        raise errors.Invalid("kind", N_("空间类型“%(value)s”不在列表里，请从列表中选择"), value=kind[:40])


def _check_hours(hours: list[tuple[int, time, time]]) -> None:
    for weekday, opens, closes in hours:
        if not 0 <= weekday <= 6:
            raise errors.Invalid("hours", N_("%(field)s 无效"))
        if closes <= opens:  # the field is the day's own box, and the message names the day
            raise errors.Invalid(f"hours_{weekday}", N_("%(day)s的开放时间：结束时间须晚于开始时间（%(part)s）"),
                                 weekday=weekday, part=f"{opens:%H:%M}-{closes:%H:%M}")


def check_settings(settings: SpaceSettings, current_kind: str | None = None) -> None:
    """Every setting within its range, and the durations consistent with each other."""
    _check_kind((settings.texts.get("kind") or "").strip(), current_kind)
    for name, limit in TEXTS.items():
        value = (settings.texts.get(name) or "").strip()
        if not value or len(value) > limit:
            raise errors.Invalid(name, f"请填写 {name} / {name} is required")
    for name in BOUNDS:
        _check_number(name, settings.numbers.get(name))
    low, high = settings.numbers["min_duration_minutes"], settings.numbers["max_duration_minutes"]
    if low > high:
        raise errors.Invalid("min_duration_minutes", N_("最短预约不能长于最长预约"))
    if not low <= settings.numbers["slot_minutes"] <= high:
        raise errors.Invalid("slot_minutes", N_("每个时段须在最短与最长预约之间"))
    if not set(settings.groups) <= set(GROUPS):
        raise errors.Invalid("groups", N_("%(field)s 只能是 %(choices)s 之一"),
                             choices=", ".join(GROUPS))
    if settings.area_m2 is not None and not 0 <= settings.area_m2 <= MAX_AREA_M2:
        raise errors.Invalid("area_m2", N_("面积应在 0–1000000 平方米之间"))
    _check_hours(settings.hours)


def _apply(space: Resource, settings: SpaceSettings) -> None:
    for name in TEXTS:
        setattr(space, name, settings.texts[name].strip())
    for name in BOUNDS:
        if name != "special_window_days":
            setattr(space, name, settings.numbers.get(name))
    special = settings.numbers.get("special_window_days")
    space.group_window_days = {"special": special} if special else {}
    space.groups = [g for g in GROUPS if g in settings.groups]
    for flag in ("exclusive", "sensitive", "active"):
        setattr(space, flag, bool(settings.flags.get(flag)))
    space.operator = (settings.operator or "").strip()[:MAX_OPERATOR] or None
    space.area_m2 = settings.area_m2
    space.hours = [OpeningHours(weekday=d, opens=o, closes=c) for d, o, c in settings.hours]


def save_space(session: Session, actor: Actor, resource_id: int | None, settings: SpaceSettings) -> Resource:
    """Admins create a space (resource_id None) or change one's rules; checked before the write lock."""
    if actor.role != "admin":
        raise errors.Forbidden()
    current = session.get(Resource, resource_id) if resource_id else None
    check_settings(settings, current.kind if current else None)
    with write_transaction(session):
        space = session.get(Resource, resource_id) if resource_id else Resource()
        if space is None:
            raise errors.NotFound()
        _apply(space, settings)
        session.add(space)
    return space


def space_with_hours(session: Session, resource_id: int) -> Resource | None:
    """A space and its opening hours for reading, without a query while the settings stand still."""
    return settings_cache.reused(session, ("space", resource_id),
                                 lambda own: own.get(Resource, resource_id, options=[selectinload(Resource.hours)]))


def active_spaces(session: Session, shape: Callable[[Resource], T]) -> list[T]:
    """Every open space in `shape` (e.g. its JSON), in id order: made once per settings change in each worker."""
    def load(own: Session) -> list[T]:
        # No opening hours: the list shows none, and they would bring ~200 rows for a centre of 30 spaces.
        return [shape(r) for r in own.scalars(select(Resource).options(lazyload(Resource.hours))
                                              .where(Resource.active.is_(True)).order_by(Resource.id))]
    return settings_cache.reused(session, ("active spaces", shape), load)
