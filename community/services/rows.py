"""Between rows and views: a domain area hands out a view of a row it read (`view`) and loads
the row back by its id (`row`) when a handler passes the view back to change something.

The session keeps what it loaded only weakly, so a row handed out as a view is held for the
rest of the transaction: loading it back then finds it without a query."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.orm import Session

from community.models.base import Base
from community.views import View

R = TypeVar("R", bound=Base)
V = TypeVar("V", bound=View)
_HELD = "rows_held"  # Session.info: the rows handed out as views in this transaction


def hold(session: Session, row: R) -> R:
    """Keep `row` in the session for the rest of the transaction."""
    session.info.setdefault(_HELD, []).append(row)
    return row


def view(session: Session, cls: type[V], row: Base) -> V:
    return cls.of(hold(session, row))


def views(session: Session, cls: type[V], rows: Any) -> list[V]:
    return [view(session, cls, each) for each in rows]


def maybe(session: Session, cls: type[V], row: Base | None) -> V | None:
    return view(session, cls, row) if row is not None else None


def row(session: Session, model: type[R], key: Any) -> R:
    """The stored row a view (or an id) names; LookupError once it is gone."""
    found = session.get(model, key)
    if found is None:
        raise LookupError(f"no {model.__name__} {key!r}")
    return found
