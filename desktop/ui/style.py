"""The window's colours and the style sheets built from them, in one place.

Colour never carries meaning alone: every coloured text or banner also says in words
what happened. Each pair below (text on its background) has a contrast of at least 4.5:1
(WCAG AA), so the words stay readable for clerks with weaker eyesight.
"""

from __future__ import annotations

from dataclasses import dataclass

# Text colours.
ERROR = "#b3261e"  # refused, returned, not saved, a problem that blocks
WARNING = "#8a5300"  # needs attention but blocks nothing
OK = "#2e7d32"  # sent, saved, checked
INFO = "#1f5fa8"  # queued, on its way
NOTE = "#6d4c00"  # a plain remark on a banner
HOLIDAY = "#c62828"  # a public holiday in the date picker
WORKDAY = "#1565c0"  # a make-up working day (调休) in the date picker

# Banner backgrounds, one per text colour.
ERROR_BACKGROUND = "#fdecea"
WARNING_BACKGROUND = "#fff4e5"
OK_BACKGROUND = "#e9f5ea"
INFO_BACKGROUND = "#e8f0fb"
NOTE_BACKGROUND = "#fff8e1"


@dataclass(frozen=True)
class Banner:
    """A framed message: ``foreground`` for its border and text, on ``background``."""

    background: str
    foreground: str

    def sheet(self, frame: str, message: str) -> str:
        """The style sheet for a frame named ``frame`` holding a label ``message`` (an
        object name, or a selector after ``#`` such as ``"frame QLabel"``)."""
        return (
            f"#{frame} {{ background: {self.background}; border: 1px solid {self.foreground};"
            f" border-radius: 4px; }} #{message} {{ color: {self.foreground}; }}"
        )


ERROR_BANNER = Banner(ERROR_BACKGROUND, ERROR)
WARNING_BANNER = Banner(WARNING_BACKGROUND, WARNING)
OK_BANNER = Banner(OK_BACKGROUND, OK)
INFO_BANNER = Banner(INFO_BACKGROUND, INFO)
NOTE_BANNER = Banner(NOTE_BACKGROUND, NOTE)


def text(colour: str, *, bold: bool = False) -> str:
    """A label's style sheet: its text in ``colour``."""
    return f"color: {colour};" + (" font-weight: bold;" if bold else "")


ERROR_TEXT = text(ERROR)
ERROR_TEXT_BOLD = text(ERROR, bold=True)
WARNING_TEXT = text(WARNING)
OK_TEXT = text(OK)
