// The quiz panel: the running question with its countdown, then the answer and leaderboard.
import { clear, duration, el } from "./dom.js";
import { number, t, tn } from "../i18n.js";

export class QuizPanel {
  constructor(root, app) {
    this.box = root.querySelector("#quiz");
    this.prepared = root.querySelector("#quiz-prepared");
    this.app = app;
    this.state = { question: null, running: false, my_answer: null, leaderboard: [], me: null, prepared: [] };
    setInterval(() => this.tick(), 500);
  }

  snapshot(quiz) {
    this.state = { prepared: [], ...quiz };
    this.render();
  }

  event(frame) {
    const s = this.state;
    const data = frame.data;
    if (frame.type === "quiz.added") {
      s.prepared.push({ id: frame.seq, ...data, asked: false });
    } else if (frame.type === "quiz.asked") {
      Object.assign(s, { question: { ...data, answers: 0 }, running: true, my_answer: null, finished: false });
      const prepared = s.prepared.find((q) => q.id === data.id);
      if (prepared) prepared.asked = true;
      this.app.flag("quiz");
      this.app.announce(t("Quiz question: {text}", { text: data.text }));
    } else if (frame.type === "quiz.revealed") {
      if (s.question?.id === data.id) Object.assign(s.question, { correct: data.correct, counts: data.counts });
      Object.assign(s, { running: false, leaderboard: data.leaderboard });
      this.app.act("quiz.standing").then((me) => { if (me) { s.me = me; this.render(); } });
    } else if (frame.type === "quiz.ended") {
      Object.assign(s, { finished: true, leaderboard: data.leaderboard, podium: data.podium });
    }
    this.render();
  }

  progress(data) {
    if (this.state.question?.id === data.id) {
      this.state.question.answers = data.answers;
      this.render();
    }
  }

  async answer(choice) {
    const reply = await this.app.act("quiz.answer", { id: this.state.question.id, choice });
    if (reply) {
      this.state.my_answer = choice;
      this.render();
      // The options are disabled now: keep the keyboard in the quiz, on its count of answers.
      this.box.querySelector(".quiz-answers")?.focus();
    }
  }

  tick() {
    const timer = this.box.querySelector(".quiz-timer");
    const question = this.state.question;
    if (!timer || !question) return;
    const left = new Date(question.closes_at) - Date.now();
    timer.textContent = left > 0 ? t("{duration} left", { duration: duration(left) }) : t("Time is up");
    if (left <= 0) for (const button of this.box.querySelectorAll(".quiz-option")) button.disabled = true;
  }

  render() {
    const s = this.state;
    clear(this.box);
    const question = s.question;
    if (!question) this.box.append(el("p", { class: "empty", text: t("No quiz yet.") }));
    if (question) {
      this.box.append(el("h2", { class: "quiz-question", text: question.text, dir: "auto" }));
      if (s.running) this.box.append(el("p", { class: "quiz-timer", "aria-live": "off" }));
      this.box.append(el("div", { class: "quiz-options" }, ...question.options.map((option, index) => {
        const classes = ["quiz-option"];
        if (s.my_answer === index) classes.push("mine");
        if (question.correct === index) classes.push("correct");
        const count = question.counts ? ` (${number(question.counts[index])})` : "";
        return el("button", {
          type: "button", class: classes.join(" "), dir: "auto",
          disabled: !s.running || s.my_answer !== null,
          onclick: () => this.answer(index),
        }, option + count,
        // Said in words too, not only by colour (WCAG 1.4.1).
        s.my_answer === index ? el("span", { class: "quiz-tag", text: ` · ${t("your answer")}` }) : null,
        question.correct === index ? el("span", { class: "quiz-tag", text: ` · ${t("correct")}` }) : null);
      })));
      this.box.append(el("p", { class: "quiz-answers", tabindex: "-1", text: tn("{n} answered", "{n} answered", question.answers ?? 0) }));
    }
    if (!s.running && s.leaderboard?.length) {
      this.box.append(el("h3", { text: s.finished ? t("Final podium") : t("Leaderboard") }));
      const board = s.finished && s.podium ? s.podium : s.leaderboard;
      this.box.append(el("ol", { class: "leaderboard" }, ...board.map((row) =>
        el("li", { class: row.id === this.app.me?.id ? "mine" : "" },
          el("span", { class: "rank", text: t("{rank}.", { rank: number(row.rank) }) }),
          el("span", { text: row.name, dir: "auto" }),
          el("span", { class: "points", text: tn("{n} pt", "{n} pts", row.points) })))));
      if (s.me?.rank) {
        this.box.append(el("p", { class: "quiz-me", text: tn(
          "You: #{rank} of {players}, {n} point", "You: #{rank} of {players}, {n} points", s.me.points,
          { rank: number(s.me.rank), players: number(s.me.players) }) }));
      }
    }
    this.tick();
    this.renderPrepared();
  }

  renderPrepared() {
    if (!this.prepared) return;
    this.prepared.replaceChildren(...this.state.prepared.map((q) =>
      el("li", { class: q.asked ? "asked" : "" },
        el("span", { text: q.text, dir: "auto" }),
        el("span", { class: "hint", text: ` ${t("(answer: {answer}, {seconds} s)", { answer: q.options[q.correct], seconds: number(q.time_limit_seconds) })}` }),
        q.asked ? null : el("button", { type: "button", text: t("Ask now"),
          onclick: () => this.app.act("quiz.ask", { id: q.id }) }))));
  }
}
