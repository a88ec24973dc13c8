"""Text types for every request field: what a person wrote, never a control character.

NUL breaks PostgreSQL text, other C0/C1 controls and lone surrogates corrupt logs, terminals and
exports, and bidi overrides make a name read differently from what it is. `Line` refuses all of
them; `Prose` (long text) allows tab and line breaks as well.
"""

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

# Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069), and marks.
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_FORBIDDEN_IN_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{BIDI_CONTROLS}]")
_FORBIDDEN_IN_PROSE = re.compile(
    f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{BIDI_CONTROLS}]"
)


def _refuse(pattern: re.Pattern[str], value: str) -> str:
    found = pattern.search(value)
    if found is not None:
        raise ValueError(f"must not contain control characters (found U+{ord(found[0]):04X})")
    return value


def single_line(value: str) -> str:
    return _refuse(_FORBIDDEN_IN_LINE, value)


def prose(value: str) -> str:
    return _refuse(_FORBIDDEN_IN_PROSE, value)


def without_controls(value: str) -> str:
    """The visible text alone: every control, format and bidi character dropped."""
    return "".join(
        c for c in value if unicodedata.category(c) not in ("Cc", "Cf", "Cs") and c != "\ufeff"
    )


def _escaped(character_class: re.Pattern[str]) -> str:
    """The class's ranges written as \\uXXXX: a document must not carry the raw controls. Lone
    surrogates are left out: UTF-8 cannot carry them, and regex engines refuse the range."""
    inner = character_class.pattern[1:-1].replace("\ud800-\udfff", "")
    return "".join(c if c.isascii() and c.isprintable() else f"\\u{ord(c):04x}" for c in inner)


# The same rules as JSON Schema patterns, so that the API documents say what is refused.
_LINE = _escaped(_FORBIDDEN_IN_LINE)
_PROSE = _escaped(_FORBIDDEN_IN_PROSE)


def _documented(forbidden: str, *, visible: bool) -> object:
    anything = f"[^{forbidden}]*"
    pattern = f"^{anything}[^\\s{forbidden}]{anything}$" if visible else f"^{anything}$"
    return Field(json_schema_extra={"pattern": pattern})


Line = Annotated[str, AfterValidator(single_line), _documented(_LINE, visible=False)]
Prose = Annotated[str, AfterValidator(prose), _documented(_PROSE, visible=False)]
# Stripped and non-empty, as most required fields are: at least one visible character.
Text = Annotated[
    str,
    AfterValidator(single_line),
    StringConstraints(strip_whitespace=True, min_length=1),
    _documented(_LINE, visible=True),
]
LongText = Annotated[
    str,
    AfterValidator(prose),
    StringConstraints(strip_whitespace=True, min_length=1),
    _documented(_PROSE, visible=True),
]
