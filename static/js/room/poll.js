// The poll panel: vote once; results live, or after voting, as the host chose.
import { clear, el } from "./dom.js";
import { number, t, tn } from "../i18n.js";

export class PollPanel {
  constructor(root, app) {
    this.box = root.querySelector("#poll");
    this.app = app;
    this.poll = null;
  }

  snapshot(poll) {
    this.poll = poll;
    this.render();
  }

  event(frame) {
    if (frame.type === "poll.opened") {
      this.poll = { id: frame.seq, ...frame.data, open: true, total: 0, my_choices: null,
        counts: frame.data.results === "live" || this.app.moderator ? frame.data.options.map(() => 0) : undefined };
      this.app.flag("poll");
      this.app.announce(t("New poll: {question}", { question: frame.data.question }));
    } else if (frame.type === "poll.closed" && this.poll?.id === frame.data.id) {
      Object.assign(this.poll, { open: false, counts: frame.data.counts, total: frame.data.total });
    }
    this.render();
  }

  tally(data) {
    if (this.poll?.id !== data.id) return;
    this.poll.total = data.total;
    if (data.counts) this.poll.counts = data.counts;
    this.render();
  }

  async vote(choices) {
    const reply = await this.app.act("poll.vote", { id: this.poll.id, choices });
    if (reply) {
      Object.assign(this.poll, { my_choices: choices, counts: reply.counts, total: reply.total });
      this.render();
      // The ballot is gone: the keyboard goes to what replaced it ("n votes. You voted.").
      this.box.querySelector(".poll-total")?.focus();
    }
  }

  render() {
    const poll = this.poll;
    clear(this.box);
    if (!poll) {
      this.box.append(el("p", { class: "empty", text: t("No poll yet.") }));
      return;
    }
    this.box.append(el("h2", { class: "poll-question", text: poll.question, dir: "auto" }));
    const voted = Array.isArray(poll.my_choices);
    if (poll.open && !voted) this.box.append(this.ballot(poll));
    if (poll.counts) this.box.append(this.results(poll));
    const parts = [tn("{n} vote.", "{n} votes.", poll.total)];
    if (!poll.open) parts.push(t("The poll is closed."));
    else if (voted) parts.push(t("You voted."));
    if (poll.open && !poll.counts) parts.push(t("Results show once you have voted."));
    this.box.append(el("p", { class: "poll-total", tabindex: "-1", text: parts.join(" ") }));
    if (this.app.moderator && poll.open) {
      this.box.append(el("button", { type: "button", text: t("Close the poll"),
        onclick: () => this.app.act("poll.close", { id: poll.id }) }));
    }
  }

  ballot(poll) {
    if (!poll.multiple) {
      return el("div", { class: "poll-options" }, ...poll.options.map((option, index) =>
        el("button", { type: "button", class: "poll-option", text: option, dir: "auto",
          onclick: () => this.vote([index]) })));
    }
    const form = el("form", { class: "poll-options" });
    poll.options.forEach((option, index) => form.append(
      el("label", {}, el("input", { type: "checkbox", value: index }), " ", el("span", { text: option, dir: "auto" }))));
    form.append(el("button", { type: "submit", text: t("Vote") }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const choices = [...form.querySelectorAll("input:checked")].map((i) => Number(i.value));
      if (choices.length) this.vote(choices);
    });
    return form;
  }

  results(poll) {
    const most = Math.max(1, ...poll.counts);
    return el("ol", { class: "poll-results" }, ...poll.options.map((option, index) => {
      const count = poll.counts[index] ?? 0;
      const mine = poll.my_choices?.includes(index);
      return el("li", { class: mine ? "mine" : "" },
        el("span", { class: "poll-label", text: option, dir: "auto" }),
        el("span", { class: "poll-bar", style: { "--share": count / most } }),
        el("span", { class: "poll-count", text: number(count) }));
    }));
  }
}
