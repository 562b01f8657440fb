// Moderator controls: host actions, settings, who is here, mute/ban, the audit trail.
import { el, showError } from "./dom.js";

export class Moderation {
  constructor(root, app) {
    this.root = root;
    this.app = app;
    this.whoList = root.querySelector("#who");
    this.audit = root.querySelector("#audit");
    for (const button of root.querySelectorAll("[data-action]")) {
      button.addEventListener("click", () => app.act(button.dataset.action));
    }
    root.querySelector("#audit-refresh")?.addEventListener("click", () => this.refreshAudit());
    this.wireSettings();
    this.wirePollForm();
    this.wireQuizForm();
  }

  snapshot(room) {
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

  buttons(author) {
    return el("span", { class: "mod-buttons" },
      el("button", { type: "button", class: "link-button", text: "Mute 10 min",
        onclick: () => this.app.act("mod.mute", { id: author.id, minutes: 10 }) }),
      el("button", { type: "button", class: "link-button danger", text: "Ban",
        onclick: () => {
          if (confirm(`Ban ${author.name} from this room?`)) this.app.act("mod.ban", { id: author.id });
        } }));
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
      el("li", {}, el("time", { datetime: entry.at, text: new Date(entry.at).toLocaleString() }), " ",
        el("code", { text: entry.action }), " ",
        el("span", { text: JSON.stringify(entry.data) }))));
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
