// The viewer's time zone, detected in the browser and remembered in the `tz` cookie.
//
// The server renders every time in the zone it resolves from ?tz=, then the `tz` cookie, then
// UTC, and says which on <html data-viewer-zone data-zone-source>. When it had nothing to go
// on ("default"), zonefirst.js (a blocking script in <head>) has already stored the zone the
// browser reports and written the page's times in it before the first paint: no reload, the
// page is downloaded once. Here: a zone the viewer picked (?tz= or an earlier cookie) is never
// overridden, but when the device is elsewhere a button offers its zone.
import { t } from "./i18n.js";

const COOKIE = "tz";
const ONE_YEAR_SECONDS = 365 * 24 * 3600;
// IANA names only use these characters, all of them valid in a cookie value (RFC 6265 4.1.1).
const ZONE_NAME = /^[A-Za-z0-9_+\-/]{1,64}$/;

/** The zone the browser runs in, e.g. "Asia/Kathmandu", or null. */
export function detectZone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || null;
  } catch {
    return null;
  }
}

/** The value of a cookie, or null. */
export function readCookie(name = COOKIE) {
  for (const part of document.cookie.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) {
      return rest.join("=").replace(/^"|"$/g, "");
    }
  }
  return null;
}

/** Remember a zone for a year (the server sets the same cookie when a zone is picked). */
export function rememberZone(zone) {
  if (!ZONE_NAME.test(zone)) {
    return false;
  }
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${zone}; Max-Age=${ONE_YEAR_SECONDS}; Path=/; SameSite=Lax${secure}`;
  return true;
}

function offsetAt(zone, instant) {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
    .formatToParts(instant);
  const part = parts.find((p) => p.type === "timeZoneName");
  return part ? part.value : "";
}

/** Whether two zones show the same clock over the coming year (an alias such as
 * Asia/Katmandu, which some browsers report, is the same zone as Asia/Kathmandu). */
export function sameZone(a, b) {
  if (a === b) {
    return true;
  }
  try {
    const now = Date.now();
    const quarter = 91 * 24 * 3600 * 1000;
    return [0, 1, 2, 3].every((i) => {
      const instant = new Date(now + i * quarter);
      return offsetAt(a, instant) === offsetAt(b, instant);
    });
  } catch {
    return false;
  }
}

function offerDeviceZone(detected, rendered) {
  const button = document.getElementById("tz-detect");
  if (!button || sameZone(detected, rendered)) {
    return;
  }
  button.textContent = t("Use my device's zone ({city})", { city: detected.split("/").pop().replace(/_/g, " ") });
  button.hidden = false;
  button.addEventListener("click", () => {
    const url = new URL(window.location.href);
    url.searchParams.set("tz", detected);
    window.location.assign(url.toString());
  });
}

function init() {
  const root = document.documentElement;
  const rendered = root.dataset.viewerZone;
  const source = root.dataset.zoneSource;
  const detected = detectZone();
  if (!rendered || !detected) {
    return;
  }
  if (source === "default" || source === "detected") {
    // The first visit: the next requests are drawn in this zone (zonefirst.js set it already
    // unless the zones show the same clock; no reload either way).
    rememberZone(detected);
    return;
  }
  offerDeviceZone(detected, rendered);
}

init();
