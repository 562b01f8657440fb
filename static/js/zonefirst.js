// First paint in the viewer's own zone, without downloading the page twice.
//
// A classic (blocking) script in <head>, so it runs before anything is painted. When the
// server had nothing to go on (data-zone-source="default": no ?tz=, no `tz` cookie) it drew
// the page in UTC. Here, on that first visit only:
//   - the zone the browser reports is remembered in the `tz` cookie, so every later request
//     is drawn by the server in it (the same cookie the zone picker sets);
//   - the page stays invisible until it is parsed, then every time drawn in the viewer's zone
//     (<time data-viewer-time>, and the zone's name, [data-zone-label]) is written again in the detected zone,
//     named as the server names zones ("Kathmandu (UTC+05:45)"); the programme's sessions
//     move to the day they fall on there, and the day tabs follow.
// Without JavaScript nothing changes: the server's zone, named on the page. A zone the viewer
// picked (?tz= or the cookie) is never overridden; timezone.js offers the device's zone then.
(function () {
  "use strict";
  var root = document.documentElement;
  var COOKIE = "tz";
  var ONE_YEAR_SECONDS = 365 * 24 * 3600;
  var ZONE_NAME = /^[A-Za-z0-9_+\-/]{1,64}$/;
  var SAFETY_MS = 3000; // never keep a page invisible for longer, whatever happens

  // Chromium's ICU still answers with some retired names (tzdata's "backward" links): the
  // server knows both, but the page names the zone by its current city.
  var ALIASES = {
    "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu",
    "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Rangoon": "Asia/Yangon", "Asia/Dacca": "Asia/Dhaka",
    "Asia/Thimbu": "Asia/Thimphu", "Asia/Ujung_Pandang": "Asia/Makassar",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar", "Europe/Kiev": "Europe/Kyiv",
    "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
    "America/Catamarca": "America/Argentina/Catamarca", "America/Cordoba": "America/Argentina/Cordoba",
    "America/Jujuy": "America/Argentina/Jujuy", "America/Mendoza": "America/Argentina/Mendoza",
    "America/Indianapolis": "America/Indiana/Indianapolis",
    "America/Louisville": "America/Kentucky/Louisville", "America/Godthab": "America/Nuuk",
    "America/Coral_Harbour": "America/Atikokan", "Atlantic/Faeroe": "Atlantic/Faroe",
    "Africa/Asmera": "Africa/Asmara", "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Ponape": "Pacific/Pohnpei", "Pacific/Enderbury": "Pacific/Kanton",
  };

  function detectZone() {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || null;
      return zone && ALIASES[zone] ? ALIASES[zone] : zone;
    } catch (e) {
      return null;
    }
  }

  function offsetLabel(zone, date) {
    var parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
      .formatToParts(date);
    var value = "";
    for (var i = 0; i < parts.length; i += 1) if (parts[i].type === "timeZoneName") value = parts[i].value;
    var offset = value.replace(/^GMT/, "");
    return offset ? "UTC" + offset.replace("-", "\u2212") : "UTC";
  }

  function cityOf(zone) {
    return zone.split("/").pop().replace(/_/g, " ");
  }

  /** "Kathmandu (UTC+05:45)", or "UTC": the one way pages name a zone (festival/times.py). */
  function zoneLabel(zone, date) {
    return zone === "UTC" ? "UTC" : cityOf(zone) + " (" + offsetLabel(zone, date) + ")";
  }

  function fields(zone, date) {
    var out = {};
    var parts = new Intl.DateTimeFormat(root.lang || "en", {
      timeZone: zone, weekday: "short", day: "2-digit", month: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", year: "numeric",
    }).formatToParts(date);
    for (var i = 0; i < parts.length; i += 1) out[parts[i].type] = parts[i].value;
    var numeric = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    }).format(date);
    out.key = numeric; // 2027-01-24: the day it falls on in the zone
    out.day_text = out.weekday + " " + out.day + " " + out.month;
    out.clock = out.hour + ":" + out.minute;
    out.offset = offsetLabel(zone, date);
    return out;
  }

  /** The text of a <time data-viewer-time>, as festival/times.py's format_range writes it. */
  function rangeText(zone, start, end) {
    var a = fields(zone, start);
    if (!end) return a.day_text + ", " + a.clock + " " + zoneLabel(zone, start);
    var b = fields(zone, end);
    if (a.key === b.key && a.offset === b.offset) {
      return a.day_text + ", " + a.clock + "\u2013" + b.clock + " " + zoneLabel(zone, end);
    }
    return a.day_text + ", " + a.clock + " " + zoneLabel(zone, start) + " \u2013 " +
      b.day_text + ", " + b.clock + " " + zoneLabel(zone, end);
  }

  function longDay(key) {
    var date = new Date(key + "T12:00:00Z");
    return new Intl.DateTimeFormat(root.lang || "en", {
      timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric",
    }).format(date);
  }

  function shortDay(key) {
    var f = fields("UTC", new Date(key + "T12:00:00Z"));
    return f.weekday + " " + f.day;
  }

  /** The programme: each session under the day it falls on in the zone, days in order. */
  function regroup(zone) {
    var sections = document.querySelectorAll("section.day");
    if (!sections.length) return;
    var template = sections[0];
    var parent = template.parentNode;
    var byKey = {};
    var cards = [];
    for (var i = 0; i < sections.length; i += 1) {
      var heading = sections[i].querySelector(".day-title");
      byKey[heading.id.replace(/^day-/, "")] = sections[i];
      var items = sections[i].querySelectorAll(".cards > li, .compact-list > li");
      for (var j = 0; j < items.length; j += 1) cards.push(items[j]);
    }
    var fresh = {};
    for (var k = 0; k < cards.length; k += 1) {
      var time = cards[k].querySelector("time[data-viewer-time], time[data-viewer-clock]");
      if (!time) continue;
      var key = fields(zone, new Date(time.getAttribute("datetime"))).key;
      if (!fresh[key]) {
        var section = byKey[key] || template.cloneNode(true);
        var title = section.querySelector(".day-title");
        title.id = "day-" + key;
        section.setAttribute("aria-labelledby", title.id);
        title.firstChild.textContent = longDay(key) + " ";
        section.querySelector(".cards, .compact-list").replaceChildren();
        fresh[key] = section;
      }
      fresh[key].querySelector(".cards, .compact-list").append(cards[k]);
    }
    var keys = Object.keys(fresh).sort();
    var anchor = sections[sections.length - 1].nextSibling;
    for (var s = 0; s < sections.length; s += 1) sections[s].remove();
    for (var n = 0; n < keys.length; n += 1) parent.insertBefore(fresh[keys[n]], anchor);
    var tabs = document.querySelector(".day-tabs ul");
    if (tabs) {
      var dayTabs = tabs.querySelectorAll('a[href^="#day-"]');
      var model = dayTabs.length ? dayTabs[0].parentNode : null;
      for (var d = 0; d < dayTabs.length; d += 1) dayTabs[d].parentNode.remove();
      for (var m = 0; model && m < keys.length; m += 1) {
        var item = model.cloneNode(true);
        var link = item.querySelector("a");
        link.setAttribute("href", "#day-" + keys[m]);
        link.firstChild.textContent = shortDay(keys[m]);
        var hidden = link.querySelector(".visually-hidden");
        if (hidden) hidden.textContent = " " + longDay(keys[m]);
        tabs.append(item);
      }
    }
  }

  function rewrite(zone) {
    var now = new Date();
    var times = document.querySelectorAll("time[data-viewer-time]");
    for (var i = 0; i < times.length; i += 1) {
      var start = new Date(times[i].getAttribute("datetime"));
      if (isNaN(start.getTime())) continue;
      var holder = times[i].closest("[data-ends-at]");
      var end = holder ? new Date(holder.getAttribute("data-ends-at")) : null;
      times[i].textContent = rangeText(zone, start, end && !isNaN(end.getTime()) ? end : null);
    }
    // The compact programme: "14:05–15:30", the zone named once in each day's heading.
    var clocks = document.querySelectorAll("time[data-viewer-clock]");
    for (var c = 0; c < clocks.length; c += 1) {
      var from = new Date(clocks[c].getAttribute("datetime"));
      var row = clocks[c].closest("[data-ends-at]");
      var to = row ? new Date(row.getAttribute("data-ends-at")) : null;
      if (isNaN(from.getTime())) continue;
      clocks[c].textContent = fields(zone, from).clock +
        (to && !isNaN(to.getTime()) ? "\u2013" + fields(zone, to).clock : "");
    }
    var titles = document.querySelectorAll("[data-zone-label]");
    for (var j = 0; j < titles.length; j += 1) titles[j].textContent = zoneLabel(zone, now);
    regroup(zone);
  }

  function sameClock(a, b) {
    var now = Date.now();
    for (var q = 0; q < 4; q += 1) {
      var instant = new Date(now + q * 91 * 24 * 3600 * 1000);
      if (offsetLabel(a, instant) !== offsetLabel(b, instant)) return false;
    }
    return true;
  }

  var rendered = root.getAttribute("data-viewer-zone");
  var zone = detectZone();
  if (root.getAttribute("data-zone-source") !== "default" || !rendered || !zone || !ZONE_NAME.test(zone)) {
    return;
  }
  try {
    if (sameClock(zone, rendered)) return;
  } catch (e) {
    return; // a zone this browser cannot format: the server's zone, as drawn
  }
  var secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie = COOKIE + "=" + zone + "; Max-Age=" + ONE_YEAR_SECONDS + "; Path=/; SameSite=Lax" + secure;
  root.setAttribute("data-viewer-zone", zone);
  root.setAttribute("data-zone-source", "detected");
  root.setAttribute("data-zone-city", cityOf(zone));
  // Hidden through the CSSOM (the Content-Security-Policy refuses style="" attributes).
  root.style.setProperty("visibility", "hidden");
  var shown = false;
  function show() {
    if (shown) return;
    shown = true;
    root.style.removeProperty("visibility");
  }
  var safety = window.setTimeout(show, SAFETY_MS);
  document.addEventListener("DOMContentLoaded", function () {
    try {
      rewrite(zone);
    } finally {
      window.clearTimeout(safety);
      show();
    }
  });
})();
