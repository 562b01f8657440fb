// Moderator controls: host actions, settings, who is here, mute/ban, the audit trail.
import { clock, el, showError } from "./dom.js";

const MUTE_MINUTES = [5, 10, 30, 60, 1440];
// Events that a moderator's action produced: the audit trail is read again after each.
const AUDITED = new Set([
  "chat.deleted", "qa.approved", "qa.answered", "qa.hidden", "qa.pinned",
  "room.opened", "room.ended", "room.configured",
]);
const FEATURE_NAMES = { chat: "chat", qa: "questions", polls: "polls", quiz: "quiz", reactions: "reactions" };

/** One line of the audit trail in words: "Muted Ben for 30 min", "Turned the chat off". */
export function describe(entry) {
  const data = entry.data ?? {};
  const who = data.target?.name ?? "someone";
  switch (entry.action) {
    case "mod.muted": return `Muted ${who} for ${minutes(data.minutes)}`;
    case "mod.unmuted": return `Unmuted ${who}`;
    case "mod.banned": return `Banned ${who}`;
    case "mod.unbanned": return `Lifted the ban on ${who}`;
    case "mod.addresses_banned": return `Banned the network addresses of ${who}`;
    case "chat.deleted": return "Deleted a chat message";
    case "qa.approved": return "Approved a question";
    case "qa.answered": return "Marked a question answered";
    case "qa.hidden": return "Hid a question";
    case "qa.pinned": return data.pinned ? "Pinned a question" : "Unpinned a question";
    case "room.opened": return "Opened the room";
    case "room.ended": return "Ended the room";
    case "room.configured": return describeSettings(data);
    default: return entry.action;
  }
}

function describeSettings(data) {
  const parts = [];
  for (const [feature, on] of Object.entries(data.features ?? {})) {
    parts.push(`turned the ${FEATURE_NAMES[feature] ?? feature} ${on ? "on" : "off"}`);
  }
  if ("qa_moderation" in data) parts.push(data.qa_moderation ? "made questions wait for approval" : "let questions through without approval");
  if ("votes_require_sign_in" in data) parts.push(data.votes_require_sign_in ? "let only signed-in people vote" : "let everyone vote");
  if ("slow_mode_seconds" in data) parts.push(data.slow_mode_seconds ? `set slow mode to ${data.slow_mode_seconds} s` : "turned slow mode off");
  const text = parts.join(", ") || "changed the settings";
  return text[0].toUpperCase() + text.slice(1);
}

function minutes(count) {
  if (count >= 60 && count % 60 === 0) return `${count / 60} h`;
  return `${count} min`;
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
    const choice = el("select", { "aria-label": `How long to mute ${author.name}` },
      ...MUTE_MINUTES.map((n) => el("option", { value: n, selected: n === 10, text: minutes(n) })));
    return el("details", { class: "mod-menu" },
      el("summary", {}, "Moderate", el("span", { class: "visually-hidden", text: ` ${author.name}` })),
      el("span", { class: "mod-buttons" },
        el("button", { type: "button", class: "link-button", text: "Mute for",
          onclick: () => this.app.act("mod.mute", { id: author.id, minutes: Number(choice.value) }) }),
        choice,
        el("button", { type: "button", class: "link-button danger", text: "Ban",
          onclick: () => {
            if (confirm(`Ban ${author.name} from this room?`)) this.app.act("mod.ban", { id: author.id });
          } })));
  }

  who(people) {
    this.whoList.replaceChildren(...people.map((person) => el("li", {},
      el("span", { text: person.name, dir: "auto" }),
      person.moderator ? el("em", { text: " (moderator)" }) : null,
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
