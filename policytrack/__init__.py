"""policytrack: Chinese government policy documents as canonical Markdown in git."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .api import Policytrack as Policytrack

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """`policytrack.Policytrack`, the library API (policytrack/api.py), imported when first
    used: the CLI never loads it."""
    if name == "Policytrack":
        from .api import Policytrack

        return Policytrack
    raise AttributeError(f"module 'policytrack' has no attribute {name!r}")
