"""One booking as an .ics file for the resident's phone calendar (their own booking: nothing redacted)."""
from icalendar import Calendar, Event

from models import Booking


def booking_ics(booking: Booking, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//linli//neighbourhood centre//ZH")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"booking-{booking.id}@{host}")
    event.add("dtstamp", booking.updated_at)
    event.add("dtstart", booking.starts_at)
    event.add("dtend", booking.ends_at)
    event.add("sequence", booking.sequence)
    event.add("summary", f"{booking.resource.name} {booking.resource.name_en}")
    event.add("location", booking.resource.name)
    event.add("status", "CANCELLED" if booking.status == "cancelled" else "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
