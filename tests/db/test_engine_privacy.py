"""A failed statement never carries its values into an error message or a log."""

from __future__ import annotations

import io
import logging
import traceback

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from available_now.db.models import Profile, User

PHONE = "+442079460958"
USERNAME = "sophie_secret_handle"


def _everything_said_about(error: BaseException) -> str:
    """The error as a log would show it: message, traceback and every chained cause."""
    stream = io.StringIO()
    logger = logging.getLogger(f"test-engine-privacy-{id(stream)}")
    logger.handlers[:] = [logging.StreamHandler(stream)]
    logger.propagate = False
    try:
        raise error
    except IntegrityError:
        logger.exception("the insert failed")
    return stream.getvalue() + "".join(traceback.format_exception(error)) + repr(error)


async def test_a_check_violation_hides_the_row(session: AsyncSession) -> None:
    session.add(User(id=1, username="someone"))
    await session.flush()
    session.add(Profile(user_id=1, name="Sophie", contact_method="fax", phone=PHONE))
    with pytest.raises(IntegrityError) as caught:
        await session.flush()
    said = _everything_said_about(caught.value)
    assert "contact_method" in said  # the constraint is still named, for whoever debugs it
    assert PHONE not in said
    assert "Sophie" not in said


async def test_a_unique_violation_hides_the_key(session: AsyncSession) -> None:
    session.add(User(id=1, username=USERNAME))
    await session.flush()
    session.add(User(id=2, username=USERNAME))
    with pytest.raises(IntegrityError) as caught:
        await session.flush()
    said = _everything_said_about(caught.value)
    assert "hide_parameters" in said
    assert USERNAME not in said
