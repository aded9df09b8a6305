// Reads iCalendar files with Mozilla's ical.js (the parser inside Thunderbird) and prints
// what a client would see as JSON: one entry per file, with its calendar name and events.
// Usage: node parse_ics.mjs FILE... ; exits non-zero when any file fails to parse.
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function readCalendar(path) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  // Times can only be read in their zone once the VTIMEZONEs are registered.
  for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(vtimezone);
  }
  const events = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    const alarm = vevent.getFirstSubcomponent("valarm");
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      description: event.description,
      status: vevent.getFirstPropertyValue("status"),
      sequence: event.sequence,
      start: event.startDate.toJSDate().toISOString(),
      end: event.endDate.toJSDate().toISOString(),
      startZone: event.startDate.zone ? event.startDate.zone.tzid : null,
      dtstamp: vevent.getFirstPropertyValue("dtstamp").toJSDate().toISOString(),
      alarmTrigger: alarm ? alarm.getFirstPropertyValue("trigger").toString() : null,
    };
  });
  return {
    name: root.getFirstPropertyValue("x-wr-calname"),
    method: root.getFirstPropertyValue("method"),
    refresh: root.getFirstPropertyValue("refresh-interval")?.toString() ?? null,
    events,
  };
}

const results = process.argv.slice(2).map(readCalendar);
process.stdout.write(JSON.stringify(results));
