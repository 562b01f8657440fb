"""What the page-wide browser checks share: axe-core injected into a page, and the page's width.

axe-core comes from npm (tests/js/package.json, ``npm ci`` in tests/js); it is run in the page
through Playwright's evaluate (DevTools, so the site's Content-Security-Policy, which refuses
inline scripts, stays on). Outside CI a missing axe-core skips with the reason; in CI it fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.browser import unavailable

AXE = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, and axe's best practices; "serious" and "critical" fail a test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}


def axe_source() -> str:
    if not AXE.exists():
        unavailable(f"no axe-core at {AXE} (cd tests/js && npm ci)")
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: Any, source: str) -> list[str]:
    """The serious and critical axe violations on the page, one line per element."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(source)
    result: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            found.append(f"{violation['id']} ({violation['impact']}): {target}")
    return found


def overflow(page: Any) -> dict[str, Any] | None:
    """None if the page does not scroll sideways; else its width and the widest elements."""
    measured: dict[str, Any] = page.evaluate(
        """() => {
          const width = document.scrollingElement.scrollWidth;
          const viewport = window.innerWidth;
          if (width <= viewport) return null;
          const wide = [];
          for (const node of document.body.querySelectorAll('*')) {
            const box = node.getBoundingClientRect();
            if (box.right > viewport + 1 && box.width > 0) {
              const name = node.tagName.toLowerCase() + (node.id ? '#' + node.id : '')
                + (node.className && typeof node.className === 'string'
                   ? '.' + node.className.trim().split(/\\s+/).join('.') : '');
              wide.push(name + ' right=' + Math.round(box.right));
            }
          }
          return {width, viewport, wide: wide.slice(0, 8)};
        }"""
    )
    return measured
