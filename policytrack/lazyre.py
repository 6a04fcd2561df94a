"""Regular expressions compiled, and modules executed, on first use.

Compiling a pattern with a CJK character class walks every code point of its ranges in
Python (`re._compiler._optimize_charset`: ~28,000 for `chinese.CJK`); the modules every
command imports compiled ~60 such patterns at import, 80–140 ms of each start of
`policytrack show` or `status`, most of them never used by that command (measured with
`re.compile` timed at import, docs/performance.md). `on_use` defers the compilation to the
pattern's first use; after it, a call costs what the compiled pattern's own call does.
`lazy_module` does the same for a module: GitPython (~60 ms) is executed by the first
write, and the CLI builds its commands without executing `commands`.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType
from typing import Any, cast

# the attributes of a compiled pattern, copied onto the stand-in once it is compiled
_ATTRIBUTES = (
    "match",
    "fullmatch",
    "search",
    "sub",
    "subn",
    "split",
    "findall",
    "finditer",
    "scanner",
    "flags",
    "groups",
    "groupindex",
)


class _OnUse:
    """Stands for `re.compile(pattern, flags)` until an attribute other than `pattern` is
    read; then it compiles and keeps the pattern's bound methods as its own attributes (an
    instance attribute, not a `__getattr__` call, on every later use)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        compiled = re.compile(self.pattern, self._flags)
        for attr in _ATTRIBUTES:
            setattr(self, attr, getattr(compiled, attr))
        self.compiled = compiled
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"on_use({self.pattern!r})"


def on_use(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, compiled when first used (see the module docstring).
    For module-level patterns; `.pattern` is there at once, to build other patterns."""
    return cast(re.Pattern[str], _OnUse(pattern, flags))


def lazy_module(name: str) -> ModuleType:
    """The module `name`, executed on first use of one of its attributes."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None, name
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
