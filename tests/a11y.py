"""Accessibility scans with axe-core in the browser tests.

axe-core is vendored (tests/vendor/axe-core/, see its README): it is injected into the
page under test and run there. The goal for every page a user can reach is 0 critical
and 0 serious violations; minor and moderate ones are reported, not failed.
"""

from pathlib import Path

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def scan(page) -> list[dict]:
    """axe-core's violations for the page as it is now (WCAG 2.x A and AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the test driver, not as an inline <script>: the site's
        # Content-Security-Policy refuses inline script, and must stay on during scans.
        page.evaluate("source => (0, eval)(source)", AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5),
            }));
        }"""
    )
    return result


def blocking(violations) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def assert_accessible(page, label: str = "") -> list[dict]:
    """Fail on any critical or serious violation; return all violations found."""
    violations = scan(page)
    bad = blocking(violations)
    where = label or page.url
    assert not bad, f"axe on {where}: " + "; ".join(
        f"{v['impact']} {v['id']} ({v['help']}) at {v['nodes']}" for v in bad
    )
    return violations
