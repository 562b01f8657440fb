// The live room page: one socket, panels for chat, Q&A, poll and quiz, reactions, presence,
// the lobby countdown, and (for moderators) the controls. Plain ES modules, no build step.
import { ChatPanel } from "./room/chat.js";
import { duration, el, showError } from "./room/dom.js";
import { Moderation } from "./room/moderation.js";
import { PollPanel } from "./room/poll.js";
import { QaPanel } from "./room/qa.js";
import { QuizPanel } from "./room/quiz.js";
import { RoomSocket, nonce } from "./room/socket.js";
import { number, t, tn } from "./i18n.js";

const NAME_KEY = "festival.room.name";
// A word under each reaction: read where the emoji font is missing, and by screen readers.
const REACTION_WORDS = {
  "👏": t("clap"), "❤️": t("love"), "😂": t("funny"), "😮": t("wow"), "🎉": t("party"), "👍": t("like"),
};
const OWN_REACTION_MS = 3_000;
const JOIN_EARLY_MS = 15 * 60_000;
const root = document.getElementById("room");

class RoomApp {
  constructor() {
    this.moderator = root.dataset.moderator === "true";
    this.me = null;
    this.room = {
      status: null,
      starts_at: root.dataset.startsAt || null,
      ends_at: root.dataset.endsAt || null,
    };
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    this.socket = new RoomSocket(`${scheme}//${location.host}${root.dataset.socket}`);
    this.chat = new ChatPanel(root, this);
    this.qa = new QaPanel(root, this);
    this.poll = new PollPanel(root, this);
    this.quiz = new QuizPanel(root, this);
    this.moderation = this.moderator ? new Moderation(root, this) : null;
    this.announcer = document.getElementById("room-announce");
    this.ownReactions = new Map(); // emoji -> times we sent it (its bubble shown already)
    this.socket.addEventListener("frame", (e) => this.frame(e.detail));
    this.socket.addEventListener("joined", (e) => this.joined(e.detail));
    this.socket.addEventListener("connection", (e) => this.connection(e.detail));
    this.socket.addEventListener("refused", (e) => this.refused(e.detail));
    this.wireForms();
    this.wireTabs();
    setInterval(() => this.renderStatus(), 1000);
  }

  start() {
    const name = localStorage.getItem(NAME_KEY);
    if (name) root.querySelector("#name-input").value = name;
    root.classList.toggle("named", Boolean(name));
    this.socket.start(name);
  }

  /** Send a command; shows its error next to the form (or as a notice) and resolves to null. */
  async act(type, data = {}, errorNode = null) {
    try {
      return await this.socket.request(type, data);
    } catch (error) {
      showError(errorNode ?? document.getElementById("room-connection"), error);
      return null;
    }
  }

  /** Say something to screen readers (a polite live region), e.g. "New question from Ben". */
  announce(text) {
    if (!this.announcer) return;
    // A new node each time: a live region announces additions, even of the same words.
    this.announcer.replaceChildren(el("p", { text }));
  }

  flag(tab) {
    const dot = document.getElementById(`${tab}-dot`);
    if (dot) dot.hidden = false;
  }

  moderationButtons(author) {
    return this.moderation ? this.moderation.buttons(author) : null;
  }

  joined(reply) {
    this.me = reply.you;
    this.setPresence(reply.presence.count);
    this.setStatus(reply.status);
  }

  refused(error) {
    showError(document.getElementById("name-error"), error);
    root.classList.remove("named");
  }

  frame(frame) {
    switch (frame.type) {
      case "snapshot": return this.snapshot(frame.data);
      case "presence": return this.setPresence(frame.data.count, frame.data.who);
      case "reactions": return this.reactions(frame.data.counts);
      case "poll.tally": return this.poll.tally(frame.data);
      case "qa.votes": return this.qa.votes(frame.data.counts);
      case "quiz.progress": return this.quiz.progress(frame.data);
      case "room.status": return this.setStatus(frame.data.status);
      default: break;
    }
    const area = frame.type.split(".")[0];
    if (area === "chat") this.chat.event(frame);
    else if (area === "qa") this.qa.event(frame);
    else if (area === "poll") this.poll.event(frame);
    else if (area === "quiz") this.quiz.event(frame);
    else if (area === "room") this.roomEvent(frame);
    else if (area === "mod") this.moderation?.event(frame);
    this.moderation?.roomEvent(frame);
  }

  snapshot(data) {
    Object.assign(this.room, data.room);
    this.chat.snapshot(data.chat);
    this.qa.snapshot(data.qa);
    this.poll.snapshot(data.poll);
    this.quiz.snapshot(data.quiz);
    this.renderReactions(data.reactions);
    if (data.presence) this.setPresence(data.presence.count, data.presence.who);
    this.moderation?.snapshot(data.room);
    this.setStatus(data.room.status);
  }

  /** The video link: from a quarter of an hour before the start, not weeks early. */
  renderJoin() {
    const join = document.getElementById("room-join");
    if (!join) return;
    const starts = this.room.starts_at ? new Date(this.room.starts_at) : null;
    const soon = starts !== null && starts - Date.now() <= JOIN_EARLY_MS;
    join.hidden = !(this.room.status === "live" || (this.room.status === "lobby" && soon));
  }

  roomEvent(frame) {
    if (frame.type === "room.ended") this.setStatus("ended");
    if (frame.type === "room.opened") this.setStatus("live");
    if (frame.type === "room.configured") {
      Object.assign(this.room.features ?? {}, frame.data.features ?? {});
      if ("slow_mode_seconds" in frame.data) this.room.slow_mode_seconds = frame.data.slow_mode_seconds;
      this.moderation?.snapshot(this.room);
      this.renderFeatures();
    }
  }

  setPresence(count, who) {
    document.getElementById("presence-count").textContent = number(count);
    // The count is a separate node (styled apart): the words after it follow the count.
    document.getElementById("presence-label").textContent = tn("person here", "people here", count);
    if (who) this.moderation?.who(who);
  }

  setStatus(status) {
    const labels = {
      lobby: t("The room is in the lobby."), live: t("The room is live now."), ended: t("The room has ended."),
    };
    if (this.room.status && status !== this.room.status) this.announce(labels[status] ?? status);
    this.room.status = status;
    root.dataset.status = status;
    this.renderStatus();
    this.renderFeatures();
  }

  renderStatus() {
    const node = document.getElementById("room-status");
    const countdown = document.getElementById("room-countdown");
    const status = this.room.status;
    if (!status) return;
    this.renderJoin();
    const labels = { lobby: t("Lobby"), live: t("Live now"), ended: t("This room has ended (read-only)") };
    node.textContent = labels[status] ?? status;
    node.dataset.status = status;
    const starts = this.room.starts_at ? new Date(this.room.starts_at) : null;
    countdown.hidden = !(status === "lobby" && starts);
    if (status === "lobby" && starts) {
      const left = starts - Date.now();
      countdown.textContent = left > 0 ? t("Starts in {duration}", { duration: duration(left) }) : t("Starting…");
    }
  }

  renderFeatures() {
    const features = this.room.features ?? {};
    const ended = this.room.status === "ended" && !this.moderator;
    const why = {
      chat: t("The host has turned the chat off for now."),
      qa: t("The host has turned questions off for now."),
    };
    for (const [form, feature] of [["chat-form", "chat"], ["qa-form", "qa"]]) {
      const node = document.getElementById(form);
      const off = ended || features[feature] === false;
      node.hidden = off;
      // Say why the box is gone, instead of only hiding it.
      const note = document.getElementById(`${feature}-off`);
      if (note) {
        note.hidden = !off;
        note.textContent = !off ? "" : ended ? t("This room has ended: you can read, not write.") : why[feature];
      }
    }
    document.getElementById("reactions").hidden = ended || features.reactions === false;
  }

  renderReactions(emoji) {
    const bar = document.getElementById("reactions");
    bar.replaceChildren(...emoji.map((e) => el("button", {
      type: "button", class: "reaction",
      "aria-label": t("React {emoji} {word}", { emoji: e, word: REACTION_WORDS[e] ?? "" }).trim(),
      onclick: () => {
        this.socket.fire("react", { emoji: e });
        this.burst({ [e]: 1 });
        this.ownReactions.set(e, [...(this.ownReactions.get(e) ?? []), Date.now()]);
      },
    }, el("span", { class: "reaction-emoji", text: e }), el("span", { class: "reaction-word", text: REACTION_WORDS[e] ?? "" }))));
  }

  /** The room's aggregated reactions: ours were shown when we sent them, not again here. */
  reactions(counts) {
    const others = {};
    // The room sums each 1 s window; a reaction of ours older than a few windows was counted
    // already (or lost): it no longer hides anyone else's.
    const recent = Date.now() - OWN_REACTION_MS;
    for (const [emoji, count] of Object.entries(counts)) {
      const mine = (this.ownReactions.get(emoji) ?? []).filter((at) => at > recent);
      const own = Math.min(count, mine.length);
      this.ownReactions.set(emoji, mine.slice(own));
      if (count - own > 0) others[emoji] = count - own;
    }
    this.burst(others);
  }

  burst(counts) {
    const area = document.getElementById("reaction-burst");
    for (const [emoji, count] of Object.entries(counts)) {
      area.dataset.shown = String(Number(area.dataset.shown ?? 0) + count);
      for (let i = 0; i < Math.min(count, 8); i += 1) {
        const bubble = el("span", {
          class: "bubble",
          text: emoji,
          style: { "--x": Math.random() },
        });
        area.append(bubble);
        setTimeout(() => bubble.remove(), 2000);
      }
    }
  }

  connection(detail) {
    const node = document.getElementById("room-connection");
    root.dataset.connection = detail.state;
    const messages = {
      connecting: t("Connecting…"),
      open: "",
      offline: t("You are offline. The room will catch up as soon as you are back."),
      waiting: t("Connection lost. Reconnecting in {seconds} s…", { seconds: Math.ceil((detail.delay ?? 0) / 1000) }),
      stopped: detail.message ?? t("Disconnected."),
    };
    node.textContent = messages[detail.state] ?? "";
  }

  wireForms() {
    const nameForm = root.querySelector("#name-form");
    nameForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const name = nameForm.elements.name.value.trim();
      if (!name) return;
      localStorage.setItem(NAME_KEY, name);
      showError(document.getElementById("name-error"), null);
      root.classList.add("named");
      this.socket.rename(name);
      // The name form is gone: keep the keyboard where the conversation is.
      const next = document.getElementById("chat-input");
      if (next && next.offsetParent !== null) next.focus();
      else document.getElementById("room-title").focus();
    });
    root.querySelector("#name-change")?.addEventListener("click", () => {
      root.classList.remove("named");
      document.getElementById("name-input").focus();
    });
    this.composer("chat-form", "chat-error", async (text) => {
      // Shown at once as "sending…"; the room's echo (same nonce) replaces it.
      const id = nonce();
      this.chat.sending(id, text);
      const reply = await this.act("chat.send", { text, nonce: id }, document.getElementById("chat-error"));
      if (!reply) this.chat.unsent(id);
      return reply;
    });
    this.composer("qa-form", "qa-error", async (text) => {
      const reply = await this.act("qa.ask", { text }, document.getElementById("qa-error"));
      if (reply) this.qa.asked(reply, text);
      return reply;
    });
  }

  composer(formId, errorId, send) {
    const form = document.getElementById(formId);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = form.elements.text;
      const text = input.value.trim();
      if (!text) return;
      showError(document.getElementById(errorId), null);
      input.value = "";
      const reply = await send(text);
      if (!reply && !input.value) input.value = text; // keep what was typed if it failed
    });
  }

  wireTabs() {
    const tabs = root.querySelectorAll(".room-tabs a");
    const show = (name) => {
      root.dataset.tab = name;
      for (const tab of tabs) tab.setAttribute("aria-current", String(tab.dataset.tab === name));
      const dot = document.getElementById(`${name}-dot`);
      if (dot) dot.hidden = true;
    };
    for (const tab of tabs) {
      tab.addEventListener("click", (event) => {
        event.preventDefault();
        show(tab.dataset.tab);
      });
    }
    show("chat");
  }
}

new RoomApp().start();
