"""What may leave the centre: counts under SMALL for a building, space or group read "<5"; no names.

Zero stays 0: it points at nobody, and "nobody from building 12 came" is the finding the committee
needs. A share or rate whose count or base is hidden is hidden too (it would give the count back).
"""
import copy

SMALL = 5
HIDDEN = "<5"


def hidden(n) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 < n < SMALL


def show_count(n: int) -> str:
    return HIDDEN if hidden(n) else str(n)


class _Masker:
    def __init__(self):
        self.suppressed = False

    def count(self, row: dict, *keys: str) -> None:
        for key in keys:
            if hidden(row.get(key)):
                row[key] = HIDDEN
                self.suppressed = True

    def share(self, row: dict, key: str, *bases: str) -> None:
        if any(row.get(b) == HIDDEN for b in bases) and row.get(key) is not None:
            row[key] = HIDDEN
            self.suppressed = True

    def counts(self, mapping: dict) -> None:
        self.count(mapping, *list(mapping))


def _population(m: _Masker, pop: dict) -> None:
    for group, n in pop["groups"].items():
        if hidden(n):
            pop["shares"][group] = HIDDEN
    m.counts(pop["groups"])
    m.count(pop, "without_building")
    for row in pop["buildings"]:
        m.count(row, "residents", "elderly", "aged_80", "child", "special")


def _use(m: _Masker, lines: list[dict]) -> None:
    for line in lines:
        m.count(line, "bookings", "held", "no_shows", "late_cancels", "unserved_waitlist", "refused")
        m.counts(line["refusals"])
        m.share(line, "no_show_rate", "no_shows", "held")
        m.share(line, "late_cancel_rate", "late_cancels", "bookings")
        if line["line"] == "activity":
            _activity(m, line)


def _activity(m: _Masker, line: dict) -> None:
    """Places are people (人次): their seat-hours and rates would give a hidden count back."""
    m.count(line, "seats_enrolled", "seats_attended", "marked", "absences")
    for key, base in (("utilisation", "seats_enrolled"), ("seat_hours_booked", "seats_enrolled"),
                      ("attendance_rate", "seats_attended"), ("seat_hours_attended", "seats_attended")):
        m.share(line, key, base)
    for key in ("absence_rate", "no_show_rate"):
        m.share(line, key, "absences", "marked")


def public(result: dict) -> dict:
    """A copy of the check-up fit for the committee, the 街道 and the notice board; `suppressed` tells."""
    out = copy.deepcopy(result)
    m = _Masker()
    _population(m, out["population"])
    for gap in out["reach"]["gaps"]:
        m.counts(gap["residents"])
        m.count(gap, "priority_residents")
    m.count(out["reach"], "affected")
    _use(m, out["use"])
    m.counts(out["refusals"])
    for row in out["groups"].values():
        m.count(row, "residents", "users")
        m.share(row, "share", "residents", "users")
    for row in out["elderly_by_building"]:
        m.count(row, "elderly", "elderly_users")
        m.share(row, "share", "elderly", "elderly_users")
    m.count(out["outreach"], "on_list", "contacted", "reached", "then_used")
    m.counts(out["outreach"]["by_method"])
    out["suppressed"] = m.suppressed
    return out
