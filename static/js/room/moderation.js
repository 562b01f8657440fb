// Moderator controls: host actions, settings, who is here, mute/ban, the audit trail.
import { clock, el } from "./dom.js";
import { number, t } from "../i18n.js";

const MUTE_MINUTES = [5, 10, 30, 60, 1440];
// Events that a moderator's action produced: the audit trail is read again after each.
const AUDITED = new Set([
  "chat.deleted", "qa.approved", "qa.answered", "qa.hidden", "qa.pinned",
  "room.opened", "room.ended", "room.configured",
]);
// Whole phrases, not a name slotted into "turned the … on": French agrees them differently.
const FEATURE_CHANGES = {
  chat: [t("turned the chat on"), t("turned the chat off")],
  qa: [t("turned questions on"), t("turned questions off")],
  polls: [t("turned polls on"), t("turned polls off")],
  quiz: [t("turned the quiz on"), t("turned the quiz off")],
  reactions: [t("turned reactions on"), t("turned reactions off")],
};

/** One line of the audit trail in words: "Muted Ben for 30 min", "Turned the chat off". */
export function describe(entry) {
  const data = entry.data ?? {};
  const who = data.target?.name ?? t("someone");
  switch (entry.action) {
    case "mod.muted": return t("Muted {name} for {duration}", { name: who, duration: minutes(data.minutes) });
    case "mod.unmuted": return t("Unmuted {name}", { name: who });
    case "mod.banned": return t("Banned {name}", { name: who });
    case "mod.unbanned": return t("Lifted the ban on {name}", { name: who });
    case "mod.addresses_banned": return t("Banned the network addresses of {name}", { name: who });
    case "chat.deleted": return t("Deleted a chat message");
    case "qa.approved": return t("Approved a question");
    case "qa.answered": return t("Marked a question answered");
    case "qa.hidden": return t("Hid a question");
    case "qa.pinned": return data.pinned ? t("Pinned a question") : t("Unpinned a question");
    case "room.opened": return t("Opened the room");
    case "room.ended": return t("Ended the room");
    case "room.configured": return describeSettings(data);
    default: return entry.action;
  }
}

function describeSettings(data) {
  const parts = [];
  for (const [feature, on] of Object.entries(data.features ?? {})) {
    const phrases = FEATURE_CHANGES[feature];
    parts.push(phrases ? phrases[on ? 0 : 1] : `${feature}: ${on ? "on" : "off"}`);
  }
  if ("qa_moderation" in data) {
    parts.push(data.qa_moderation ? t("made questions wait for approval") : t("let questions through without approval"));
  }
  if ("votes_require_sign_in" in data) {
    parts.push(data.votes_require_sign_in ? t("let only signed-in people vote") : t("let everyone vote"));
  }
  if ("slow_mode_seconds" in data) {
    parts.push(data.slow_mode_seconds
      ? t("set slow mode to {seconds} s", { seconds: number(data.slow_mode_seconds) })
      : t("turned slow mode off"));
  }
  const text = parts.join(", ") || t("changed the settings");
  return text[0].toUpperCase() + text.slice(1);
}

function minutes(count) {
  if (count >= 60 && count % 60 === 0) return t("{hours} h", { hours: number(count / 60) });
  return t("{minutes} min", { minutes: number(count) });
}

export class Moderation {
  constructor(root, app) {
    this.root = root;
    this.app = app;
    this.whoList = root.querySelector("#who");
    this.audit = root.querySelector("#audit");
    for (const button of root.querySelectorAll("[data-action]")) {
      button.addEventListener("click", () => app.act(button.dataset.action));
    }
    this.wireSettings();
    this.wirePollForm();
    this.wireQuizForm();
  }

  snapshot(room) {
    this.refreshAudit();
    const form = this.root.querySelector("#settings-form");
    if (!form || !room.features) return;
    for (const box of form.querySelectorAll('input[name="feature"]')) {
      box.checked = room.features[box.value] !== false;
    }
    form.elements.qa_moderation.checked = Boolean(room.qa_moderation);
    form.elements.votes_require_sign_in.checked = Boolean(room.votes_require_sign_in);
    form.elements.slow_mode_seconds.value = room.slow_mode_seconds ?? 0;
  }

  event(frame) {
    if (frame.type.startsWith("mod.")) this.refreshAudit();
  }

  /** Any room event a moderator caused: the trail follows without a Refresh button. */
  roomEvent(frame) {
    if (!AUDITED.has(frame.type)) return;
    clearTimeout(this.auditTimer);
    this.auditTimer = setTimeout(() => this.refreshAudit(), 300); // one read for a burst
  }

  /** Mute (for how long) and ban, folded away under each message and person. */
  buttons(author) {
    const choice = el("select", { "aria-label": t("How long to mute {name}", { name: author.name }) },
      ...MUTE_MINUTES.map((n) => el("option", { value: n, selected: n === 10, text: minutes(n) })));
    return el("details", { class: "mod-menu" },
      el("summary", {}, t("Moderate"), el("span", { class: "visually-hidden", text: ` ${author.name}` })),
      el("span", { class: "mod-buttons" },
        el("button", { type: "button", class: "link-button", text: t("Mute for"),
          onclick: () => this.app.act("mod.mute", { id: author.id, minutes: Number(choice.value) }) }),
        choice,
        el("button", { type: "button", class: "link-button danger", text: t("Ban"),
          onclick: () => {
            if (confirm(t("Ban {name} from this room?", { name: author.name }))) this.app.act("mod.ban", { id: author.id });
          } })));
  }

  who(people) {
    this.whoList.replaceChildren(...people.map((person) => el("li", {},
      el("span", { text: person.name, dir: "auto" }),
      person.moderator ? el("em", { text: ` ${t("(moderator)")}` }) : null,
      person.id === this.app.me?.id || person.moderator ? null : this.buttons(person))));
  }

  async refreshAudit() {
    const reply = await this.app.act("mod.audit");
    if (!reply) return;
    this.audit.replaceChildren(...reply.entries.slice().reverse().map((entry) =>
      el("li", { dataset: { action: entry.action } },
        el("time", { datetime: entry.at, text: clock(entry.at) }), " ",
        el("span", { text: describe(entry) }))));
  }

  wireSettings() {
    const form = this.root.querySelector("#settings-form");
    form?.addEventListener("submit", (event) => {
      event.preventDefault();
      const features = {};
      for (const box of form.querySelectorAll('input[name="feature"]')) features[box.value] = box.checked;
      this.app.act("room.configure", {
        features,
        qa_moderation: form.elements.qa_moderation.checked,
        votes_require_sign_in: form.elements.votes_require_sign_in.checked,
        slow_mode_seconds: Number(form.elements.slow_mode_seconds.value || 0),
      });
    });
  }

  wirePollForm() {
    const form = this.root.querySelector("#poll-form");
    form?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const options = form.elements.options.value.split("\n").map((s) => s.trim()).filter(Boolean);
      const reply = await this.app.act("poll.create", {
        question: form.elements.question.value,
        options,
        multiple: form.elements.multiple.checked,
        results: form.elements.after_vote.checked ? "after_vote" : "live",
      }, form.querySelector(".field-error"));
      if (reply) form.reset();
    });
    form?.append(el("p", { class: "field-error", role: "alert" }));
  }

  wireQuizForm() {
    const form = this.root.querySelector("#quiz-form");
    form?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const options = form.elements.options.value.split("\n").map((s) => s.trim()).filter(Boolean);
      const reply = await this.app.act("quiz.add", {
        text: form.elements.text.value,
        options,
        correct: Number(form.elements.correct.value) - 1,
        time_limit_seconds: Number(form.elements.seconds.value),
      }, form.querySelector(".field-error"));
      if (reply) form.reset();
    });
    form?.append(el("p", { class: "field-error", role: "alert" }));
  }
}
