"""Whole numbers typed by people: ASCII digits only.

`str.isdigit()` accepts "²" and "٣", which `int()` then refuses or reads as another number;
every number taken from a query string, a form or a rule goes through here instead.
"""
from services.core.errors import N_, Invalid

MAX_DIGITS = 18


def is_whole_number(raw: object) -> bool:
    """Plain ASCII digits, not too many of them."""
    return isinstance(raw, str) and 0 < len(raw) <= MAX_DIGITS and raw.isascii() and raw.isdigit()


def whole_number(raw: object, field: str, low: int = 0, high: int = 10**MAX_DIGITS - 1,
                 message: str | None = None, status: int = 422, **params) -> int:
    """The number, or Invalid naming `field` (the message a catalogue msgid, filled from `params`)."""
    if not is_whole_number(raw) or not low <= int(raw) <= high:
        raise Invalid(field, message or N_("%(field)s 必须是 %(low)d 到 %(high)d 之间的整数"), status=status,
                      **{"low": low, "high": high, **params})
    return int(raw)


def optional_whole_number(raw: str | None) -> int | None:
    """For filters and form choices: a number, or None when blank or not a plain number."""
    return int(raw) if is_whole_number(raw) else None
