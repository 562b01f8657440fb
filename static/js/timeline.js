// Scroll the follow-the-sun timeline so that "now" is in view on narrow screens.
// Without this script the picture simply starts at the beginning of the window.

export function scrollToNow(container) {
  const svg = container.querySelector("svg");
  const line = container.querySelector(".now-line");
  if (!svg || !line || container.scrollWidth <= container.clientWidth) {
    return;
  }
  const viewBoxWidth = svg.viewBox.baseVal.width;
  const x = Number(line.getAttribute("x1"));
  if (!viewBoxWidth || Number.isNaN(x)) {
    return;
  }
  const pixels = (x / viewBoxWidth) * svg.getBoundingClientRect().width;
  container.scrollLeft = Math.max(0, pixels - container.clientWidth / 2);
}

for (const container of document.querySelectorAll(".timeline-scroll")) {
  scrollToNow(container);
}
