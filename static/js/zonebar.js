// The zone bar's finder: typing "Kathmandu", "St John" or "India" lists the zones it names,
// from the same search as the session editor (scheduling/zonesearch.py through
// /organiser/zones.json). Choosing one submits the bar's form with that zone. Without this
// script the form still works: the server resolves what was typed the same way.

import { t, tn } from "./i18n.js";

const MIN_QUERY = 2;
const DELAY_MS = 200;

function showZones(form, status, zones) {
  let list = document.getElementById("tz-results");
  if (!list) {
    list = document.createElement("ul");
    list.id = "tz-results";
    list.className = "zone-results";
    list.setAttribute("aria-label", t("Time zones found"));
    form.after(list);
  }
  list.replaceChildren();
  for (const zone of zones) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = zone.label;
    button.dataset.zone = zone.zone;
    button.addEventListener("click", () => {
      form.querySelector("#tz-picker").value = zone.zone;
      form.submit();
    });
    item.append(button);
    list.append(item);
  }
  list.hidden = zones.length === 0;
  status.textContent = zones.length
    ? tn("{n} zone found", "{n} zones found", zones.length)
    : t("No zone found: try a city or a country");
}

function init() {
  const form = document.getElementById("zone-form");
  const input = document.getElementById("tz-picker");
  if (!form || !input) {
    return;
  }
  const status = document.createElement("p");
  status.id = "tz-found";
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.append(status);
  let timer = 0;
  let asked = 0;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < MIN_QUERY) {
      asked += 1; // an answer still on its way is no longer wanted
      const list = document.getElementById("tz-results");
      if (list) list.hidden = true;
      return;
    }
    timer = window.setTimeout(async () => {
      const mine = ++asked;
      try {
        const response = await fetch(`/organiser/zones.json?${new URLSearchParams({ q: text })}`, {
          headers: { Accept: "application/json" },
        });
        if (response.ok && mine === asked) {
          showZones(form, status, (await response.json()).zones);
        }
      } catch {
        // Offline: the form still submits and the server finds the zone.
      }
    }, DELAY_MS);
  });
}

init();
