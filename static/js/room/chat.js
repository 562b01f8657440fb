// The chat panel: newest at the bottom, your own and (for moderators) any message deletable.
import { clock, el } from "./dom.js";
import { t } from "../i18n.js";

const KEEP = 200;

export class ChatPanel {
  constructor(root, app) {
    this.list = root.querySelector("#chat-list");
    this.empty = root.querySelector("#chat-empty");
    this.app = app;
    this.items = new Map(); // message id -> li
  }

  snapshot(messages) {
    this.list.replaceChildren();
    this.items.clear();
    for (const message of messages) this.add(message);
    this.showEmpty();
  }

  /** "No messages yet" while the list is empty (nothing sent, nothing sending). */
  showEmpty() {
    if (this.empty) this.empty.hidden = this.list.childElementCount > 0;
  }

  event(frame) {
    if (frame.type === "chat.message") {
      this.add({
        id: frame.seq, author: frame.data.author, text: frame.data.text, at: frame.at, nonce: frame.data.nonce,
      });
    } else if (frame.type === "chat.deleted") {
      this.items.get(frame.data.id)?.remove();
      this.items.delete(frame.data.id);
      this.showEmpty();
    }
  }

  /** Our message, shown at once as "sending…" until the room echoes it (same nonce). */
  sending(nonce, text) {
    const item = el(
      "li",
      { class: "chat-item mine sending", dataset: { nonce } },
      el("span", { class: "chat-author", text: this.app.me?.name ?? t("You"), dir: "auto" }),
      el("span", { class: "chat-time", text: t("sending…") }),
      el("p", { class: "chat-text", text, dir: "auto" }),
    );
    this.list.append(item);
    this.list.scrollTop = this.list.scrollHeight;
    this.showEmpty();
  }

  /** The room refused it: the text goes back into the box (see room.js), the item goes. */
  unsent(nonce) {
    this.list.querySelector(`.sending[data-nonce="${CSS.escape(nonce)}"]`)?.remove();
    this.showEmpty();
  }

  add(message) {
    if (message.nonce) this.unsent(message.nonce);
    if (this.items.has(message.id)) return;
    const mine = message.author.id === this.app.me?.id;
    const canDelete = mine || this.app.moderator;
    const item = el(
      "li",
      { class: mine ? "chat-item mine" : "chat-item", dataset: { id: message.id } },
      el("span", { class: "chat-author", text: message.author.name, dir: "auto" }),
      el("time", { class: "chat-time", datetime: message.at, text: clock(message.at) }),
      el("p", { class: "chat-text", text: message.text, dir: "auto" }),
      canDelete
        ? el("button", {
            type: "button",
            class: "link-button",
            text: t("Delete"),
            "aria-label": t("Delete the message from {name}", { name: message.author.name }),
            onclick: () => this.app.act("chat.delete", { id: message.id }),
          })
        : null,
      this.app.moderator && !mine ? this.app.moderationButtons(message.author) : null,
    );
    const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 40;
    this.list.append(item);
    this.items.set(message.id, item);
    while (this.items.size > KEEP) {
      const [oldest, node] = this.items.entries().next().value;
      node.remove();
      this.items.delete(oldest);
    }
    if (atBottom || mine) this.list.scrollTop = this.list.scrollHeight;
    this.showEmpty();
  }
}
