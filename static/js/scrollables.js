// A box that scrolls (a wide table, the timeline) must be reachable with the keyboard:
// WCAG 2.1.1, axe's "scrollable-region-focusable". Each one that does scroll gets a tab stop
// and a name (its table's caption, the heading before it, or "Scrollable table").
import { t } from "./i18n.js";

function nameOf(box) {
  const caption = box.querySelector("caption");
  if (caption) return caption.textContent.trim();
  let node = box.previousElementSibling;
  while (node && !/^H[1-6]$/.test(node.tagName)) node = node.previousElementSibling;
  return node ? node.textContent.trim() : t("Scrollable table");
}

export function makeScrollablesFocusable(root = document) {
  for (const box of root.querySelectorAll(".table-scroll, .timeline-scroll")) {
    const scrolls = box.scrollWidth > box.clientWidth || box.scrollHeight > box.clientHeight;
    if (!scrolls || box.hasAttribute("tabindex")) continue;
    box.tabIndex = 0;
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label")) box.setAttribute("aria-label", nameOf(box));
  }
}

makeScrollablesFocusable();
window.addEventListener("resize", () => makeScrollablesFocusable());
