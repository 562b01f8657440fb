// Small DOM helpers. User text only ever goes through textContent: never innerHTML.
import { locale, t, tn } from "../i18n.js";
import { errorMessage } from "./errors.js";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    // Through the CSSOM: the site's Content-Security-Policy refuses style="" attributes.
    else if (key === "style") {
      for (const [property, setting] of Object.entries(value)) {
        node.style.setProperty(property, String(setting));
      }
    }
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** The zone the person picked (the page was drawn in it), else the device's. */
function viewerZone() {
  const zone = document.documentElement.dataset.viewerZone;
  try {
    if (zone) new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return zone || undefined;
  } catch {
    return undefined; // a zone this browser does not know: the device's, still named
  }
}

const pickedZone = viewerZone();
const pickedCity = document.documentElement.dataset.zoneCity;

const timeFormat = new Intl.DateTimeFormat(locale(), {
  hour: "2-digit",
  minute: "2-digit",
  timeZoneName: "short",
  timeZone: pickedZone,
});

const wallFormat = pickedZone
  ? new Intl.DateTimeFormat(locale(), { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: pickedZone })
  : null;
const offsetFormat = pickedZone
  ? new Intl.DateTimeFormat("en-US", { timeZone: pickedZone, timeZoneName: "longOffset" })
  : null;

/** "UTC+05:45" (as the server writes offsets, with a real minus sign), or "UTC". */
function offsetLabel(date) {
  const part = offsetFormat.formatToParts(date).find((p) => p.type === "timeZoneName");
  const offset = (part ? part.value : "GMT").replace(/^GMT/, "");
  return offset ? `UTC${offset.replace("-", "\u2212")}` : "UTC";
}

/** "14:05 Kathmandu (UTC+05:45)": a time in the zone the person picked, named as every page
 * names it; in the device's zone (named by the browser) when this browser lacks the zone. */
export function clock(iso) {
  const date = new Date(iso);
  if (!wallFormat || !pickedCity) {
    return timeFormat.format(date);
  }
  const wall = wallFormat.format(date);
  if (pickedZone === "UTC") return t("{time} UTC", { time: wall });
  return t("{time} {city} ({offset})", { time: wall, city: pickedCity, offset: offsetLabel(date) });
}

/** "3 days 4 h", "2 h 05 min", "4 min 09 s", "12 s" (in the page's language). */
export function duration(ms) {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86400);
  if (d > 0) {
    const hours = Math.floor((total % 86400) / 3600);
    return tn("{n} day {hours} h", "{n} days {hours} h", d, { hours });
  }
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return t("{h} h {m} min", { h, m: String(m).padStart(2, "0") });
  if (m > 0) return t("{m} min {s} s", { m, s: String(s).padStart(2, "0") });
  return t("{s} s", { s });
}

export function showError(node, error) {
  if (!node) return;
  node.textContent = errorMessage(error);
}
