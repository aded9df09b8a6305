"""Residents and the buildings they live in."""
from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import db

ELDERLY_AGE = 60  # Law on the Protection of the Rights and Interests of the Elderly
CHILD_AGE = 14  # PIPL: guardian consent below 14
GROUPS = ("elderly", "child", "special")


class Building(db.Model):
    __tablename__ = "building"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    lat: Mapped[float] = mapped_column(Float)  # WGS-84
    lon: Mapped[float] = mapped_column(Float)
    households: Mapped[int | None] = mapped_column(Integer)


class Resident(db.Model):
    __tablename__ = "resident"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(32), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("building.id"), index=True)
    disability: Mapped[bool] = mapped_column(Boolean, default=False)
    lives_alone: Mapped[bool] = mapped_column(Boolean, default=False)
    # Recorded by staff as a category, never as a free-text diagnosis (PIPL art. 28).
    other_need: Mapped[bool] = mapped_column(Boolean, default=False)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)

    building: Mapped[Building | None] = relationship()
    guardian: Mapped["Resident | None"] = relationship(remote_side=[id])

    def age_on(self, day: date) -> int:
        before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - before_birthday

    def groups_on(self, day: date) -> list[str]:
        """The service groups this resident belongs to on `day`; ages are derived, never stored."""
        age = self.age_on(day)
        groups = []
        if age >= ELDERLY_AGE:
            groups.append("elderly")
        if age < CHILD_AGE:
            groups.append("child")
        if self.disability or self.lives_alone or self.other_need:
            groups.append("special")
        return groups
