"""Measuring tap targets in the browser: every interactive element's box, at the size it is drawn.

A link inside a sentence is exempt (WCAG 2.5.5's "inline" exception); a checkbox, radio or switch is measured by
its label, which is what a finger hits; elements not drawn (hidden, 1 px "visually hidden") are skipped.
"""

from __future__ import annotations

from typing import Any

#: JavaScript: ``(root) => [{name, width, height}]`` for the interactive elements under ``root``.
MEASURE = """(root) => {
  root = root || document;
  const out = [];
  const sel = "button, a[href], textarea, input, select, summary, [role=button], [role=radio], [role=switch], " +
    "[role=checkbox], [role=tab], [tabindex='0']";
  for (const el of root.querySelectorAll(sel)) {
    if (el.closest("[hidden]")) continue;
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const tick = el.tagName === "INPUT" && ["checkbox", "radio"].includes(el.type);
    if (!tick && (box.width <= 2 || box.height <= 2 || style.visibility === "hidden")) continue;
    if (el.tagName === "A" && el.closest("p, li") && el.closest("p, li").textContent.trim() !== el.textContent.trim()) continue;
    if (el.closest("[data-testid=stSkipToContent]")) continue;
    const target = tick && el.closest("label") ? el.closest("label") : el;
    if (target.checkVisibility && !target.checkVisibility({visibilityProperty: true})) continue;
    const r = target.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2) continue;
    const name = (el.getAttribute("aria-label") || el.innerText || el.value || el.getAttribute("data-testid") ||
                  el.tagName).trim().replace(/\\s+/g, " ").slice(0, 50);
    out.push({name, tag: el.tagName.toLowerCase(), testid: el.getAttribute("data-testid") || "",
              width: Math.round(r.width * 10) / 10, height: Math.round(r.height * 10) / 10});
  }
  return out;
}"""


def measure(page: Any, root: str | None = None) -> list[dict[str, Any]]:
    """The interactive elements of the page (or of the shadow root of element id ``root``) and their sizes."""
    if root is None:
        return list(page.evaluate(MEASURE))
    return list(page.evaluate(f"() => ({MEASURE})(document.getElementById({root!r}).shadowRoot)"))


def too_small(targets: list[dict[str, Any]], minimum: float = 44.0) -> list[dict[str, Any]]:
    """The targets below ``minimum`` px in either direction (half a pixel of rounding allowed)."""
    return [t for t in targets if t["width"] < minimum - 0.5 or t["height"] < minimum - 0.5]
