"""axe-core in the browser tests: run the vendored axe.min.js on the current page, keep what blocks people.

axe is evaluated through Playwright (DevTools protocol), so the app's Content-Security-Policy
(script-src 'self') stays as it is in production.
"""
from __future__ import annotations

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}

# WCAG 2.2 A and AA plus axe's best practices. preload: false skips re-fetching the stylesheets (only an
# experimental rule needs them); target size (WCAG 2.5.8) is checked where it matters, at phone widths.
_RUN = """async (phone) => {
  const result = await axe.run(document, {resultTypes: ["violations"], preload: false,
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    rules: {"target-size": {enabled: phone}}});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}));
}"""


def settle(page) -> None:
    """Let the page react to a resize (bro.js updates the scrollable regions) before it is measured."""
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def axe_violations(page, impacts=BLOCKING) -> list[dict]:
    """The axe violations on the page as it is now, only those of the given impacts."""
    settle(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    phone = page.viewport_size["width"] < 700
    return [v for v in page.evaluate(_RUN, phone) if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"  {violation['impact']} {violation['id']}: {violation['help']} ({len(violation['nodes'])}×)")
        for node in violation["nodes"][:4]:
            lines.append(f"    {node['target']}: {node['summary'].splitlines()[-1].strip() if node['summary'] else ''}")
    return "\n".join(lines)


def scroll_overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 when it fits the window)."""
    return max(0, page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth"))


# axe leaves SVG text alone, so chart labels get their own check: the text's fill against the shape drawn
# under it (a heat-map cell) or else the background of the card the chart sits in.
_SVG_TEXT_CONTRAST = """() => {
  const rgb = (value) => { const m = value.match(/[\\d.]+/g); return m ? m.slice(0, 4).map(Number) : null; };
  const lum = ([r, g, b]) => { const c = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const backdrop = (text) => {
    const box = text.getBoundingClientRect(), cx = box.left + box.width / 2, cy = box.top + box.height / 2;
    let under = null;  // the last filled shape drawn before the text that covers its centre
    for (const shape of text.closest('svg').querySelectorAll('rect, path, circle, polygon')) {
      const fill = getComputedStyle(shape).fill, r = shape.getBoundingClientRect();
      if (fill !== 'none' && shape.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING
          && cx >= r.left && cx <= r.right && cy >= r.top && cy <= r.bottom && r.width > 10 && r.height > 10) under = rgb(fill);
    }
    if (under) return under;
    for (let e = text.closest('svg'); e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor); if (c && (c.length < 4 || c[3] > 0)) return c;
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const text of document.querySelectorAll('svg text')) {
    if (!text.textContent.trim() || !text.getClientRects().length) continue;
    const fg = rgb(getComputedStyle(text).fill), bg = backdrop(text), r = ratio(fg.slice(0, 3), bg.slice(0, 3));
    if (r < 4.5) low.push(text.textContent.trim() + ': ' + r.toFixed(2) + ':1');
  }
  return [document.querySelectorAll('svg text').length, low];
}"""


def low_contrast_chart_text(page) -> tuple[int, list[str]]:
    """(how many SVG text labels were measured, those under 4.5:1 against what is drawn behind them)."""
    count, low = page.evaluate(_SVG_TEXT_CONTRAST)
    return count, low
