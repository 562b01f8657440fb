// One WebSocket per tab to a live room: join, resume from the last seq, reconnect on its own.
//
// Events dispatched: "frame" (detail: a room event, snapshot or transient update, in order,
// never the same seq twice), "joined" (detail: the join reply's data), "connection"
// (detail: {state: "connecting" | "open" | "offline" | "waiting" | "stopped", ...}).

import { t } from "../i18n.js";

const PING_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const PROBE_TIMEOUT_MS = 2_000; // after the browser says "offline"
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;
// Close codes after which reconnecting cannot help (see docs/protocol.md).
const FINAL_CODES = new Map([
  [1008, t("The connection was closed for sending too much too fast.")],
  [4003, t("A moderator has banned you from this room.")],
  [4004, t("This room does not exist.")],
]);
// Requests that are safe to send again after a reconnect: the room stores them once (nonce).
const RETRIED = new Set(["chat.send", "qa.ask"]);

export class RoomSocket extends EventTarget {
  constructor(url) {
    super();
    this.url = url;
    this.name = null;
    this.lastSeq = null;
    this.ws = null;
    this.attempt = 0;
    this.nextRef = 1;
    this.pending = new Map(); // ref -> {type, data, resolve, reject}
    this.joined = false;
    this.stopped = false;
    this.timer = null;
    this.pingTimer = null;
    this.pongTimer = null;
    // navigator.onLine and its events are hints only: a browser on a machine whose only
    // network is loopback (a kiosk, a container serving itself) says "offline" while the
    // server is reachable. "offline" makes us check the connection with a quick ping;
    // "online" makes us retry at once instead of waiting out the backoff.
    window.addEventListener("offline", () => this.#probe());
    window.addEventListener("online", () => this.#reconnectNow());
  }

  start(name) {
    this.name = name;
    this.#connect();
  }

  /** Rejoin under a new name (the name is fixed for a connection). */
  rename(name) {
    this.name = name;
    // The protocol fixes the name for a connection (docs/protocol.md, join): join again at
    // once, and say "connecting", not "connection lost", while we do.
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      ws.close(1000, "rename");
      this.joined = false;
      clearTimeout(this.pingTimer);
      clearTimeout(this.pongTimer);
      for (const [ref, request] of this.pending) {
        if (!RETRIED.has(request.type)) this.#fail(ref, "dropped", "The connection dropped; try again.");
      }
    }
    this.#reconnectNow();
  }

  /** Send a command; resolves with the ok reply's data, rejects with the error's data. */
  request(type, data = {}) {
    const ref = `r${this.nextRef++}`;
    if (RETRIED.has(type) && !data.nonce) data = { ...data, nonce: nonce() };
    return new Promise((resolve, reject) => {
      this.pending.set(ref, { type, data, resolve, reject });
      if (this.joined) this.#send({ type, ref, data });
      else if (!RETRIED.has(type)) this.#fail(ref, "offline", "You are offline; try again soon.");
    });
  }

  /** Send without waiting for a reply (reactions). */
  fire(type, data = {}) {
    if (this.joined) this.#send({ type, data });
  }

  #connect() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.#state("connecting");
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.#send({ type: "join", ref: "join", data: { name: this.name, last_seq: this.lastSeq } });
    };
    ws.onmessage = (message) => {
      clearTimeout(this.pongTimer); // the server is there
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      for (const inner of flatten(frame)) this.#receive(inner);
    };
    ws.onclose = (event) => this.#closed(ws, event.code);
  }

  #receive(frame) {
    if (frame.type === "ok" || frame.type === "error") {
      if (frame.ref === "join") this.#joinReply(frame);
      else if (frame.type === "ok") this.#settle(frame.ref, "resolve", frame.data);
      else this.#settle(frame.ref, "reject", frame.data);
      return;
    }
    if (frame.type === "snapshot") {
      this.lastSeq = Math.max(this.lastSeq ?? 0, frame.seq);
    } else if (typeof frame.seq === "number") {
      if (this.lastSeq !== null && frame.seq <= this.lastSeq) return; // seen already
      this.lastSeq = frame.seq;
    }
    this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
  }

  #joinReply(frame) {
    if (frame.type === "error") {
      this.dispatchEvent(new CustomEvent("refused", { detail: frame.data }));
      return;
    }
    // Not frame.data.seq: in a replay the events up to it follow this reply, and a drop in the
    // middle must not skip them. Only events and snapshots move lastSeq.
    this.joined = true;
    this.attempt = 0;
    this.#state("open");
    this.dispatchEvent(new CustomEvent("joined", { detail: frame.data }));
    for (const [ref, request] of this.pending) {
      this.#send({ type: request.type, ref, data: request.data }); // only retried kinds wait here
    }
  }

  #settle(ref, how, data) {
    const request = this.pending.get(ref);
    if (!request) return;
    this.pending.delete(ref);
    request[how](data);
  }

  #fail(ref, code, message) {
    this.#settle(ref, "reject", { code, message });
  }

  #send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(frame));
    // The server closes a connection that has sent nothing for 75 s (a reader in a busy room
    // too): say something every 25 s of silence, and give up on an answer after 10 s more.
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      this.#send({ type: "ping", ref: "ping" });
      this.pongTimer = setTimeout(() => this.#drop("no answer"), PONG_TIMEOUT_MS);
    }, PING_MS);
  }

  /** Ask the server for a pong now; drop the connection if none comes back soon. */
  #probe() {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    clearTimeout(this.pongTimer);
    this.ws.send(JSON.stringify({ type: "ping", ref: "ping" }));
    this.pongTimer = setTimeout(() => this.#drop("offline"), PROBE_TIMEOUT_MS);
  }

  #drop(why) {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onclose = null;
      ws.close();
      this.#closed(ws, why === "offline" ? 0 : 1006);
    }
  }

  #closed(ws, code) {
    if (ws !== this.ws && this.ws !== null) return;
    this.ws = null;
    this.joined = false;
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    for (const [ref, request] of this.pending) {
      if (!RETRIED.has(request.type)) this.#fail(ref, "dropped", "The connection dropped; try again.");
    }
    if (FINAL_CODES.has(code)) {
      this.stopped = true;
      this.#state("stopped", { message: FINAL_CODES.get(code), code });
      return;
    }
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** this.attempt);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2); // jitter: spread the herd
    this.attempt += 1;
    // Offline or not, keep trying (with backoff): the browser's opinion is only a hint.
    this.#state(navigator.onLine ? "waiting" : "offline", { delay });
    this.timer = setTimeout(() => this.#connect(), delay);
  }

  #reconnectNow() {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.#connect();
  }

  #state(state, extra = {}) {
    this.dispatchEvent(new CustomEvent("connection", { detail: { state, ...extra } }));
  }
}

export function flatten(frame) {
  if (frame.type !== "batch") return [frame];
  return frame.frames.flatMap(flatten);
}

export function nonce() {
  const bytes = new Uint8Array(9);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, "");
}
