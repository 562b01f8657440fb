// Parse an .ics file with Mozilla's ical.js and print each VEVENT's UID, UTC start and UTC end
// as JSON, so the Python tests can compare an independent parser's reading with their own.
// Usage: node parse_ics.mjs FILE.ics   (prints {"events": [...], "zones": [...], "calendar": {...}})
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

// Calendar names and descriptions are TEXT (RFC 7986 §5.1, §5.2; the X-WR- forms are Apple's
// older names for them). ical.js reads unknown properties raw; read these as TEXT, the way a
// client that knows them does (an unescaped "\n" then reads as a line break).
const CALENDAR_TEXT = ["name", "x-wr-calname", "description", "x-wr-caldesc"];
for (const name of CALENDAR_TEXT) {
  ICAL.design.icalendar.property[name] = { defaultType: "text" };
}

function utc(time) {
  // Every TZID must resolve to a VTIMEZONE in the file: a string zone would be read as floating.
  if (!time.isDate && time.zone && time.zone.tzid === "floating") {
    throw new Error(`floating or unresolved time ${time.toString()}`);
  }
  return time.toJSDate().toISOString().replace(".000Z", "Z");
}

const text = readFileSync(process.argv[2], "utf8");
const calendar = new ICAL.Component(ICAL.parse(text));
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  for (const name of ["dtstart", "dtend"]) {
    const prop = vevent.getFirstProperty(name);
    const tzid = prop && prop.getParameter("tzid");
    if (tzid && !calendar.getTimeZoneByID(tzid)) {
      throw new Error(`${event.uid}: TZID ${tzid} has no VTIMEZONE`);
    }
  }
  return {
    uid: event.uid,
    start: utc(event.startDate),
    end: utc(event.endDate),
    summary: event.summary,
    sequence: event.sequence,
    status: vevent.getFirstPropertyValue("status"),
  };
});
const zones = calendar.getAllSubcomponents("vtimezone").map(
  (zone) => zone.getFirstPropertyValue("tzid"),
);
const texts = Object.fromEntries(
  CALENDAR_TEXT.filter((name) => calendar.hasProperty(name)).map((name) => [
    name,
    calendar.getFirstPropertyValue(name),
  ]),
);
process.stdout.write(JSON.stringify({ events, zones, calendar: texts }) + "\n");
