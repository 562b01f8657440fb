// The room's error replies, in the reader's language. The server sends a stable `code` and an
// English `message` (realtime/errors.py, docs/protocol.md); the words shown are chosen here by
// code, so realtime/ needs no translations. An unknown code shows the server's message.
import { t, tn } from "../i18n.js";

function wait(error) {
  const seconds = Math.max(1, Math.ceil(Number(error.retry_after_seconds) || 0));
  return tn("Wait {n} second.", "Wait {n} seconds.", seconds);
}

function until(error) {
  if (!error.until) return "";
  const date = new Date(error.until);
  if (Number.isNaN(date.getTime())) return "";
  const minutes = Math.max(1, Math.ceil((date - Date.now()) / 60_000));
  return tn("For {n} more minute.", "For {n} more minutes.", minutes);
}

const MESSAGES = {
  "frame.malformed": () => t("The room could not read what your browser sent. Reload the page."),
  "frame.too_large": () => t("That is too long to send."),
  "frame.type_unknown": () => t("The room could not read what your browser sent. Reload the page."),
  "frame.data_invalid": () => t("Something in the form is missing or not allowed."),
  "session.not_joined": () => t("Still joining the room; try again in a moment."),
  "session.already_joined": () => t("You are already in this room."),
  "room.unknown": () => t("This room does not exist."),
  "auth.forbidden": () => t("Only the room's moderators can do this."),
  "name.invalid": () => t("Choose a name of 1 to 40 letters, without special characters."),
  "rate.limited": (e) => `${t("Too many actions too quickly.")} ${wait(e)}`,
  "rate.address": (e) => `${t("Too many actions from your network.")} ${wait(e)}`,
  "rate.slow_mode": (e) => `${t("Slow mode is on.")} ${wait(e)}`,
  "address.connections": () => t("Too many connections from your network. Close a tab and try again."),
  "address.joins": (e) => `${t("Too many people joining from your network.")} ${wait(e)}`,
  "address.guests": (e) => `${t("Too many new guests from your network.")} ${wait(e)}`,
  "server.unavailable": () => t("The server could not save this; nothing was kept. Try again."),
  "server.busy": () => t("The room is very busy; try again in a moment."),
  "room.ended": () => t("This room has ended: you can read, not write."),
  "feature.disabled": () => t("The host has turned this off for now."),
  "vote.sign_in_required": () => t("The host lets only signed-in people vote in this room."),
  "chat.empty": () => t("The message is empty."),
  "chat.too_long": () => t("The message is too long."),
  "chat.not_found": () => t("This message is gone or too old to change."),
  "chat.not_yours": () => t("Only its author or a moderator can delete a message."),
  "qa.empty": () => t("The question is empty."),
  "qa.too_long": () => t("The question is too long."),
  "qa.not_found": () => t("This question is gone."),
  "qa.already_voted": () => t("You have already upvoted this question."),
  "qa.not_voted": () => t("You have not upvoted this question."),
  "qa.not_open": () => t("This question is not open for votes."),
  "poll.invalid": () => t("A poll needs a question and 2 to 10 different options."),
  "poll.not_found": () => t("This poll is gone."),
  "poll.already_open": () => t("Another poll is open: close it first."),
  "poll.closed": () => t("The poll is closed."),
  "poll.already_voted": () => t("You have already voted in this poll."),
  "poll.choice_invalid": () => t("That is not one of the poll's options."),
  "quiz.invalid": () => t("A quiz question needs text, 2 to 6 options, one correct, and 5 to 300 seconds."),
  "quiz.not_found": () => t("This quiz question is gone."),
  "quiz.in_progress": () => t("A question is running: reveal it first."),
  "quiz.not_running": () => t("No quiz question is running."),
  "quiz.closed": () => t("Time is up for this question."),
  "quiz.already_answered": () => t("You have already answered this question."),
  "quiz.already_asked": () => t("This question has already been asked."),
  "quiz.choice_invalid": () => t("That is not one of the question's options."),
  "reaction.unknown": () => t("This reaction is not available here."),
  "user.muted": (e) => `${t("A moderator has muted you for a while.")} ${until(e)}`.trim(),
  "user.banned": () => t("A moderator has banned you from this room."),
  "user.unknown": () => t("This person is no longer in the room."),
  // Not from the server: the browser's own (socket.js).
  offline: () => t("You are offline; try again soon."),
  dropped: () => t("The connection dropped; try again."),
};

/** The codes this file translates (a test compares them with realtime/errors.py). */
export const KNOWN_CODES = Object.keys(MESSAGES);

/** The words to show for an error reply {code, message, ...}, in the page's language. */
export function errorMessage(error) {
  if (!error) return "";
  if (typeof error === "string") return error;
  const pick = MESSAGES[error.code];
  if (pick) return pick(error);
  return error.message || error.code || String(error);
}
