"""Lazy re-exports for a package's ``__init__`` (PEP 562).

A package lists which submodule holds each public name; a name's submodule is imported when
the name is first used. This keeps ``import gantk.metrics`` (SSIM pulls in JAX, FID pulls in
torch) and ``import gantk.data`` cheap for a job that uses one part of them.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable, Iterable, Mapping


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any], eager: Iterable[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """The ``__getattr__``, ``__dir__`` and ``__all__`` of a package that re-exports lazily.

    Args:
      package: the package's dotted name, for the error of an unknown attribute.
      exports: public name → dotted name of the submodule that defines it.
      namespace: the package's ``globals()``; a name, once imported, is stored there, so
        later lookups do not reach ``__getattr__``.
      eager: public names the package binds itself (they join ``__all__``).

    Returns:
      ``(__getattr__, __dir__, __all__)`` to assign at the package's top level.
    """
    public = sorted({*exports, *eager})

    def getattr_(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(public))

    return getattr_, dir_, public
