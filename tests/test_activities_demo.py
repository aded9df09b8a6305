"""seed-demo loads a realistic Hongmei programme once, placed through the booking rules."""
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from models import Activity, ActivitySession, Attendance, Booking, Enrolment, Resident
from services.demo import demo
from tests.world import NOW

TZ = ZoneInfo("Asia/Shanghai")


def counts(session) -> tuple:
    return tuple(session.scalar(select(func.count()).select_from(model))
                 for model in (Activity, ActivitySession, Enrolment, Attendance, Booking))


def test_the_demo_programme_is_loaded_once_with_enrolments_and_attendance(session):
    assert demo.seed(session, NOW, TZ) is True
    session.commit()
    titles = set(session.scalars(select(Activity.title)))
    assert {"绘本故事会", "康复操（八周课程）", "亲子烘焙"} <= titles and any("健康讲座" in t for t in titles)
    storytime = session.scalar(select(Activity).where(Activity.title == "绘本故事会"))
    assert len(storytime.sessions) == 8 and storytime.min_age == 3 and storytime.max_age == 6
    child = session.scalar(select(Resident).where(Resident.name == "陈一诺"))
    assert session.scalar(select(func.count(Enrolment.id)).where(Enrolment.resident_id == child.id)) > 0
    course = session.scalar(select(Activity).where(Activity.mode == "course"))
    assert all(e.session_id is None for e in session.scalars(select(Enrolment).where(
        Enrolment.activity_id == course.id)))
    marks = list(session.scalars(select(Attendance)))
    assert marks and any(not m.present for m in marks) and any(m.present for m in marks)
    before = counts(session)
    assert demo.seed(session, NOW, TZ) is False
    session.commit()
    assert counts(session) == before


def test_every_demo_enrolee_is_someone_the_activity_admits(session):
    demo.seed(session, NOW, TZ)
    session.commit()
    for e in session.scalars(select(Enrolment)):
        first = e.session or e.activity.sessions[0]
        age = e.resident.age_on(first.starts_at.astimezone(TZ).date())
        assert e.activity.min_age is None or age >= e.activity.min_age
        assert e.activity.max_age is None or age <= e.activity.max_age
        groups = set(e.resident.groups_on(first.starts_at.astimezone(TZ).date()))
        assert not e.activity.groups or groups & set(e.activity.groups)
