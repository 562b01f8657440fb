// The Q&A panel: open questions by votes, the moderation queue, answered and hidden ones.
import { el } from "./dom.js";
import { number, t, tn } from "../i18n.js";

export class QaPanel {
  constructor(root, app) {
    this.root = root;
    this.app = app;
    this.questions = new Map(); // id -> question
  }

  snapshot(qa) {
    this.questions.clear();
    for (const group of Object.values(qa)) for (const q of group) this.questions.set(q.id, q);
    this.render();
  }

  event(frame) {
    const data = frame.data;
    if (frame.type === "qa.asked") {
      this.questions.set(frame.seq, {
        id: frame.seq, author: data.author, text: data.text, status: data.status,
        pinned: false, votes: 0, voted: false, at: frame.at,
      });
      if (data.author.id !== this.app.me?.id) {
        const params = { name: data.author.name, text: data.text };
        this.app.announce(data.status === "pending"
          ? t("New question from {name} (waiting for approval): {text}", params)
          : t("New question from {name}: {text}", params));
      }
    } else if (frame.type === "qa.approved") {
      this.questions.set(data.question.id, { voted: false, ...data.question });
    } else {
      const question = this.questions.get(data.id);
      if (!question) return;
      if (frame.type === "qa.answered") Object.assign(question, { status: "answered", pinned: false });
      if (frame.type === "qa.hidden") Object.assign(question, { status: "hidden", pinned: false });
      if (frame.type === "qa.pinned") question.pinned = data.pinned;
    }
    this.render();
  }

  votes(counts) {
    for (const [id, votes] of Object.entries(counts)) {
      const question = this.questions.get(Number(id));
      if (question) question.votes = votes;
    }
    this.render();
  }

  /** Our own question, back from the server before its event (or pending: no event at all). */
  asked(reply, text) {
    if (this.questions.has(reply.seq)) return;
    this.questions.set(reply.seq, {
      id: reply.seq, author: this.app.me, text, status: reply.status,
      pinned: false, votes: 0, voted: false, at: new Date().toISOString(),
    });
    this.render();
  }

  async toggleVote(question) {
    const type = question.voted ? "qa.unvote" : "qa.upvote";
    const reply = await this.app.act(type, { id: question.id });
    if (reply) {
      question.voted = type === "qa.upvote";
      question.votes = reply.votes;
      this.render();
    }
  }

  render() {
    // The lists are drawn again on every change (a vote anywhere in the room): the button
    // that had the keyboard gets it back, so a vote never throws a keyboard user out.
    const focused = this.root.querySelector(".qa-list :focus")?.dataset.focusKey;
    this.draw();
    if (focused) this.root.querySelector(`[data-focus-key="${focused}"]`)?.focus();
  }

  draw() {
    const groups = { open: [], pending: [], answered: [], hidden: [] };
    for (const question of this.questions.values()) groups[question.status]?.push(question);
    groups.open.sort((a, b) => (b.pinned - a.pinned) || (b.votes - a.votes) || (a.id - b.id));
    for (const [status, questions] of Object.entries(groups)) {
      const list = this.root.querySelector(`#qa-${status}`);
      if (list) list.replaceChildren(...questions.map((q) => this.item(q)));
    }
    const heading = this.root.querySelector("#qa-pending-heading");
    if (heading) heading.hidden = groups.pending.length === 0;
    const count = document.getElementById("qa-count");
    if (count) count.textContent = groups.open.length ? number(groups.open.length) : "";
  }

  item(question) {
    const app = this.app;
    const mod = app.moderator;
    const act = (type, data = {}) => () => app.act(type, { id: question.id, ...data });
    const key = (name) => ({ focusKey: `${question.id}-${name}` });
    return el(
      "li",
      { class: `qa-item${question.pinned ? " pinned" : ""}`, dataset: { id: question.id } },
      question.status === "open"
        ? el("button", {
            type: "button",
            class: question.voted ? "vote voted" : "vote",
            "aria-pressed": question.voted ? "true" : "false",
            dataset: key("vote"),
            onclick: () => this.toggleVote(question),
          // The name is what is seen ("3"), then what it does: WCAG 2.5.3, label in name.
          }, el("span", { "aria-hidden": "true", text: "▲ " }),
            el("span", { class: "vote-count", text: number(question.votes) }),
            el("span", { class: "visually-hidden", text: ` ${tn("vote, upvote", "votes, upvote", question.votes)}` }),
            question.voted ? el("span", { class: "vote-mine", text: " ✓" }) : null)
        : el("span", { class: "vote-count", text: `${number(question.votes)} ▲` }),
      el("div", { class: "qa-body" },
        el("p", { class: "qa-text", text: question.text, dir: "auto" }),
        el("p", { class: "qa-meta" },
          el("span", { text: question.author.name, dir: "auto" }),
          question.pinned ? el("strong", { text: ` · ${t("pinned")}` }) : null),
        mod ? el("div", { class: "qa-actions" },
          question.status === "pending" ? el("button", { type: "button", text: t("Approve"), dataset: key("approve"), onclick: act("qa.approve") }) : null,
          question.status === "open" ? el("button", { type: "button", text: t("Answered"), dataset: key("answer"), onclick: act("qa.answer") }) : null,
          question.status === "open"
            ? el("button", { type: "button", text: question.pinned ? t("Unpin") : t("Pin"), dataset: key("pin"), onclick: act("qa.pin", { pinned: !question.pinned }) })
            : null,
          question.status !== "hidden" ? el("button", { type: "button", text: t("Hide"), dataset: key("hide"), onclick: act("qa.hide") }) : null,
        ) : null,
      ),
    );
  }
}
