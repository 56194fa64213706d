"""Telegram's answers read with each Telegram type's own validator.

aiogram reads every answer as `Response[T]`, one pydantic model per answer type, and each of
them carries a copy of T's whole schema: a `Message` nests some 80 types, so the answers of
`sendMessage`, `sendMediaGroup`, `editMessageText` and `getUpdates` held four copies of it,
about 1 MB apiece. An answer whose result is a Telegram type, a list of one, or one of them or
`true` is read here instead: the envelope as JSON, the result by that type's validator, which
exists once. Any other answer, and every error or answer that does not read, goes through
aiogram's own `check_response`, which raises what aiogram raises.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Union, get_args, get_origin

from aiogram.methods import Response
from pydantic import BaseModel, TypeAdapter, ValidationError

_ENVELOPE = TypeAdapter(dict[str, Any])


@dataclass(frozen=True, slots=True)
class ResultReader:
    """Reads a result (decoded JSON) with `model`'s own validator and the context aiogram
    gives (the bot)."""

    model: type[BaseModel]
    read: Callable[[type[BaseModel], Any, dict[str, Any]], Any]

    def __call__(self, value: Any, context: dict[str, Any]) -> Any:
        return self.read(self.model, value, context)


@functools.cache
def result_reader(returning: Any) -> ResultReader | None:
    """How to read a result of type `returning` with its model's own validator; None when
    it is no Telegram type (a bool, a string) or a union of several, left to aiogram."""
    if _is_model(returning):
        return ResultReader(returning, _one)
    arguments = get_args(returning)
    if get_origin(returning) is list and len(arguments) == 1 and _is_model(arguments[0]):
        return ResultReader(arguments[0], _many)
    if get_origin(returning) in (Union, types.UnionType) and len(arguments) == 2:
        models = [argument for argument in arguments if _is_model(argument)]
        if len(models) == 1 and bool in arguments:
            return ResultReader(models[0], _one_or_true)
    return None


def read_answer(
    returning: Any, status_code: int, content: str, context: dict[str, Any]
) -> Response[Any] | None:
    """A successful answer read with the result type's own validator; None to leave the
    answer to aiogram (another type, an error, or an answer that does not read)."""
    reader = result_reader(returning)
    if reader is None or not HTTPStatus.OK <= status_code <= HTTPStatus.IM_USED:
        return None
    try:
        envelope = _ENVELOPE.validate_json(content)
    except ValidationError:
        return None
    if envelope.get("ok") is not True or "result" not in envelope:
        return None
    try:
        result = reader(envelope["result"], context)
    except (ValidationError, TypeError):
        return None
    return Response.model_construct(ok=True, result=result)


def _is_model(candidate: Any) -> bool:
    return isinstance(candidate, type) and issubclass(candidate, BaseModel)


def _one(model: type[BaseModel], value: Any, context: dict[str, Any]) -> BaseModel:
    return model.model_validate(value, context=context)


def _many(model: type[BaseModel], value: Any, context: dict[str, Any]) -> list[BaseModel]:
    if not isinstance(value, list):
        raise TypeError("a list was expected")
    return [model.model_validate(item, context=context) for item in value]


def _one_or_true(model: type[BaseModel], value: Any, context: dict[str, Any]) -> BaseModel | bool:
    if value is True:
        return True
    return model.model_validate(value, context=context)
