"""Heading levels that nest without gaps (H1 > H2 > H3), whatever the blocks' nesting.

A block's template cannot know how deep it sits: a box has an `<h3>` title, right under a
section's `<h2>` in one publication and under a chapter's `<h1>` in another. Screen readers
navigate by heading level, and both WCAG checkers (axe's heading-order) and the tagged PDF
(H1 > H3 is a gap) need each heading at most one level below the one before it. So the
rendered page is renumbered: a heading deeper than the previous one by more than one level
is raised to one below it. Styles keep to classes (`.box-title`), so nothing else changes,
and a page without gaps comes out byte for byte as it went in.
"""
import re

from markupsafe import Markup

_HEADING = re.compile(r'<(/?)h([1-6])(?=[\s>])', re.IGNORECASE)


def close_heading_gaps(html):
    """The HTML with each heading at most one level below the heading before it."""
    previous = 0
    opened = []             # the new level of each open heading, to close it alike
    parts = []
    end = 0
    for match in _HEADING.finditer(html):
        closing, level = match.group(1), int(match.group(2))
        if closing:
            new = opened.pop() if opened else level
        else:
            new = min(level, previous + 1)
            previous = new
            opened.append(new)
        parts.append(html[end:match.start()])
        parts.append(f'<{closing}h{new}')
        end = match.end()
    parts.append(html[end:])
    return Markup(''.join(parts))
