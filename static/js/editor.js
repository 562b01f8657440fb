// The session editor, live: what the typed time means (the organiser's time with its offset,
// UTC, New York, Paris; on a festival date or not; a gap, a time that happens twice,
// double bookings), and a zone finder by city and country. Without this script the form works
// the same way, one step later: the server shows the same preview before saving.

import { t } from "./i18n.js";

const DELAY_MS = 300;

function debounce(action, delay) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), delay);
  };
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) {
    node.textContent = text;
  }
  if (className) {
    node.className = className;
  }
  return node;
}

export function timeQuery(form) {
  const data = new FormData(form);
  const query = new URLSearchParams();
  for (const name of ["date", "start", "duration", "zone", "edition", "fold", "fold_for", "hosts", "stream"]) {
    const value = data.get(name);
    if (typeof value === "string" && value !== "") {
      query.set(name, value);
    }
  }
  if (form.dataset.organisation) {
    query.set("organisation", form.dataset.organisation);
  }
  if (form.dataset.session) {
    query.set("session", form.dataset.session);
  }
  return query;
}

function showFoldChoices(form, answer) {
  const place = form.querySelector("#f-fold");
  const current = place.querySelector('input[name="fold_for"]');
  const chosenFor = current ? current.value : "";
  if (!answer.occurrences.length) {
    if (chosenFor && chosenFor !== answer.fold_for) {
      place.replaceChildren(); // a choice made for a time no longer typed counts no more
    }
    return;
  }
  if (chosenFor === answer.fold_for && place.querySelector('input[type="radio"]')) {
    return; // the same question is already asked: keep what was picked
  }
  place.replaceChildren();
  const fieldset = element("fieldset", undefined, "field has-error");
  fieldset.id = "fold-choices";
  fieldset.append(element("legend", t("Which one do you mean?")));
  fieldset.append(element("p", answer.errors.fold, "field-error"));
  const key = document.createElement("input");
  key.type = "hidden";
  key.name = "fold_for";
  key.value = answer.fold_for;
  fieldset.append(key);
  for (const occurrence of answer.occurrences) {
    const label = element("label", undefined, "choice");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "fold";
    radio.value = String(occurrence.fold);
    radio.required = true;
    const which = occurrence.fold === 0
      ? t("The first: {time}", { time: occurrence.label })
      : t("The second: {time}", { time: occurrence.label });
    label.append(radio, ` ${which}`);
    fieldset.append(label);
  }
  place.append(fieldset);
}

export function render(form, answer) {
  const preview = form.querySelector("#time-preview");
  const seen = form.querySelector("#seen");
  preview.replaceChildren();
  if (answer.ok) {
    preview.append(element("p", answer.sentence, "meaning"));
    if (answer.festival) {
      preview.append(element("p", answer.festival));
    }
    if (answer.conflicts.length) {
      const box = element("div", undefined, "warnings");
      box.append(element("h3", t("Possible double bookings")));
      const list = element("ul");
      for (const text of answer.conflicts) {
        list.append(element("li", text));
      }
      box.append(list, element("p", t("These are warnings: you can still save, after one more look.")));
      preview.append(box);
    }
  } else {
    for (const [name, message] of Object.entries(answer.errors)) {
      if (name !== "fold") {
        preview.append(element("p", message, "field-error"));
      }
    }
    if (answer.gap.length) {
      const choices = element("p", undefined, "suggestions");
      for (const choice of answer.gap) {
        const button = element("button", t("Use {time}", { time: choice }), "link-button");
        button.type = "button";
        button.addEventListener("click", () => {
          form.querySelector("#start").value = choice;
          form.dispatchEvent(new Event("input"));
        });
        choices.append(button);
      }
      preview.append(choices);
    }
  }
  showFoldChoices(form, answer);
  // The time was shown: saving needs no extra preview step, unless a conflict needs a look.
  seen.value = answer.ok && !answer.conflicts.length ? answer.seen : "";
}

function showZones(form, zones) {
  let list = form.querySelector("#zone-results");
  if (!list) {
    list = element("ul", undefined, "zone-results");
    list.id = "zone-results";
    list.setAttribute("aria-label", t("Time zones found"));
    form.querySelector("#zone").after(list);
  }
  list.replaceChildren();
  for (const zone of zones) {
    const item = element("li");
    const button = element("button", zone.label, "link-button");
    button.type = "button";
    button.addEventListener("click", () => {
      const input = form.querySelector("#zone");
      input.value = zone.zone;
      list.replaceChildren();
      input.focus();
      form.dispatchEvent(new Event("input"));
    });
    item.append(button);
    list.append(item);
  }
}

export function start(form) {
  const check = debounce(async () => {
    const response = await fetch(`/organiser/time.json?${timeQuery(form)}`, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (response.ok) {
      render(form, await response.json());
    }
  }, DELAY_MS);
  const findZones = debounce(async (text) => {
    const date = form.querySelector("#date").value;
    const response = await fetch(
      `/organiser/zones.json?${new URLSearchParams({ q: text, date })}`,
      { headers: { Accept: "application/json" } },
    );
    if (response.ok) {
      showZones(form, (await response.json()).zones);
    }
  }, DELAY_MS);
  const zone = form.querySelector("#zone");
  zone.addEventListener("input", () => {
    const known = form.querySelector(`#zone-list option[value="${CSS.escape(zone.value)}"]`);
    if (known || zone.value.trim().length < 2) {
      showZones(form, []);
    } else {
      findZones(zone.value.trim());
    }
  });
  form.addEventListener("input", () => {
    form.querySelector("#seen").value = "";
    check();
  });
  form.addEventListener("change", check);
  check();
}

const form = document.querySelector("#session-form");
if (form) {
  start(form);
}
