"""Importing aiogram without building all of its ~300 Telegram types up front.

Every aiogram type is a pydantic model declared with `defer_build=True`, yet
`aiogram/types/__init__.py` ends by calling `model_rebuild(_types_namespace=…)` on each of them,
which builds every validator (each embedding its nested types' schemas) at import: most of the
bot's start-up time and over 100 MB of memory, for types the bot never receives or sends.

`import_aiogram_lazily()` imports aiogram with that loop turned into bookkeeping: each type
keeps the namespace it would have been rebuilt with (as its pydantic parent namespace, which
`model_rebuild` consults), and stays deferred; so do the Bot API methods, which nest the
types, and a method's `Response[T]` is built with that namespace (`complete`). pydantic then
builds a type the first time it is used, with the same forward references resolved, exactly
as the eager rebuild would have.
`build_hot_types()` builds the types every update needs at start-up, before serving.

This relies on aiogram's and pydantic's internals, so it applies only to the aiogram versions
it is tested with (`TESTED_AIOGRAM`); any other version is imported as it comes, eagerly. The
tests check that every type and every method's response still validates
(`tests/bot/test_lazy_types.py`). Upstream, the same effect would be aiogram setting the parent
namespace instead of rebuilding in `types/__init__.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import version
from typing import Any

from pydantic import BaseModel

TESTED_AIOGRAM = ((3, 31), (3, 31))
"""The (major, minor) range of aiogram this was tested with, both ends included."""

applied = False
"""Whether this process imported aiogram through `import_aiogram_lazily`."""

_namespace: dict[str, Any] = {}

HOT_TYPES = ("Update", "Message", "User", "InlineKeyboardMarkup")
"""Built at start-up: every update and most answers go through them. (A type nested in
these, such as `CallbackQuery` or `Chat`, is validated within them: its own validator is
built only if something validates it alone.)"""


def aiogram_is_tested() -> bool:
    parts = version("aiogram").split(".")
    try:
        installed = (int(parts[0]), int(parts[1]))
    except (IndexError, ValueError):
        return False
    return TESTED_AIOGRAM[0] <= installed <= TESTED_AIOGRAM[1]


def import_aiogram_lazily() -> bool:
    """Import `aiogram.types` with its types left to build on first use; True when it did.

    False when aiogram was already imported (nothing to save any more) or is a version this
    was not tested with (imported eagerly, as aiogram does it)."""
    if "aiogram.types" in sys.modules or not aiogram_is_tested():
        return False
    global applied
    with _rebuilds_remembered():
        import aiogram.types  # noqa: F401 - imported here, with the rebuilds remembered
    from aiogram import methods
    from aiogram.methods.base import Response

    # The methods nest the types: created before those are built, they are left for first
    # use too, and then need the same names; so does each method's answer, `Response[T]`,
    # which pydantic creates (inheriting this namespace) the first time aiogram asks for it.
    for model in [Response, *(getattr(methods, name) for name in methods.__all__)]:
        deferred = isinstance(model, type) and issubclass(model, BaseModel)
        if deferred and (model is Response or not model.__pydantic_complete__):
            _keep_namespace(model)
    applied = True
    return True


@contextmanager
def _rebuilds_remembered() -> Iterator[None]:
    original = BaseModel.__dict__["model_rebuild"]

    def remember(cls: type[BaseModel], *args: Any, **kwargs: Any) -> bool | None:
        namespace: Mapping[str, Any] | None = kwargs.get("_types_namespace")
        if namespace is None or args or not cls.__module__.startswith("aiogram.types."):
            return original.__func__(cls, *args, **kwargs)  # type: ignore[no-any-return]
        _namespace.update(namespace)
        _keep_namespace(cls)
        return None

    BaseModel.model_rebuild = classmethod(remember)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]


def _keep_namespace(model: type[BaseModel]) -> None:
    """Give `model` aiogram's names as its parent namespace: the one shared dict, unless the
    model has names of its own (a copy per model would cost about 6 MB for ~500 models)."""
    own = model.__pydantic_parent_namespace__
    model.__pydantic_parent_namespace__ = {**_namespace, **own} if own else _namespace


def types_namespace() -> Mapping[str, Any]:
    """The names aiogram resolves its types' annotations with."""
    if not _namespace:
        from aiogram import types

        _namespace.update({name: getattr(types, name) for name in types.__all__})
    return _namespace


def complete(model: type[BaseModel]) -> type[BaseModel]:
    """Build a model that nests aiogram types (e.g. a method's `Response[T]`) with their
    names at hand: built from elsewhere, pydantic would not find them."""
    if not model.__pydantic_complete__:
        model.model_rebuild(_types_namespace=types_namespace())
    return model


def build_hot_types() -> None:
    """Build the types of every update now, not while the first ones wait."""
    from aiogram import types

    for name in HOT_TYPES:
        model: type[BaseModel] = getattr(types, name)
        model.model_rebuild()
