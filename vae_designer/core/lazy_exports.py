"""Packages that re-export their modules' public names, importing each module on first use.

``core.ingest`` and ``core.training`` export ``ingest_steps``, ``Trainer``... from their
``__init__`` so that callers need not know which module holds what, but importing the
package must stay light (``model.config`` needs ``ingest.settings``; ``project`` needs
``training.state``; ingestion's worker processes preload ``ingest.process``).  A package
hands :func:`lazy_exports` a map of name -> module and gets back the module-level
``__getattr__`` and ``__dir__`` (PEP 562) that import the module when a name is first asked
for and keep the value as a plain attribute afterwards.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable


def lazy_exports(package: str, homes: dict[str, str],
                 public: Iterable[str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package`` whose name ``n`` lives in module ``homes[n]``."""
    names = sorted(public)

    def __getattr__(name: str):  # noqa: N807 - the module hook's own name
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{home}"), name)
        setattr(sys.modules[package], name, value)  # the next look-up is a plain attribute
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*vars(sys.modules[package]), *names})

    return __getattr__, __dir__
