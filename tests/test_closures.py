"""Closing a space or the whole centre: who may, and what a closure needs."""
from datetime import timedelta

import pytest

from services.booking import closures
from services.core import errors
from services.core.access import Actor
from tests.world import DESK, NOW, space

OPERATOR = Actor(user_id=None, role="operator", organisation="颐康养老服务中心")


def test_an_operator_closes_the_space_it_runs_but_not_another_or_the_centre(session):
    ours, theirs = space(session, operator="颐康养老服务中心"), space(session, operator="小橡树早教")
    made = closures.close(session, OPERATOR, ours, NOW, NOW + timedelta(hours=2), " 员工培训 ")
    assert made.resource_id == ours.id and made.reason == "员工培训"
    for target in (theirs, None):
        with pytest.raises(errors.Forbidden):
            closures.close(session, OPERATOR, target, NOW, NOW + timedelta(hours=2), "员工培训")


def test_staff_close_the_whole_centre(session):
    assert closures.close(session, DESK, None, NOW, NOW + timedelta(days=1), "红梅议事日").resource_id is None


@pytest.mark.parametrize(("hours", "reason", "field"), [(0, "消毒", "end"), (-1, "消毒", "end"), (2, "  ", "reason")])
def test_a_closure_needs_an_end_after_its_start_and_a_reason(session, hours, reason, field):
    with pytest.raises(errors.Invalid) as refused:
        closures.close(session, DESK, space(session), NOW, NOW + timedelta(hours=hours), reason)
    assert refused.value.details["field"] == field
