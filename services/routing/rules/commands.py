"""What is asked of rule sets: upload a version, activate it, replay it, read them."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class UploadRuleSet:
    source: str  # the YAML document
    actor: str


@dataclass(frozen=True, kw_only=True)
class ActivateRuleSet:
    version: str
    actor: str


@dataclass(frozen=True, kw_only=True)
class DryRunRuleSet:
    """The last `last` clues received (within the window, when one is given)."""

    version: str
    last: int
    since: datetime | None = None
    until: datetime | None = None
    include_reason_only: bool = False
