"""One cache of compiled SQL for all the engines a test process makes.

An app compiles each of its statements once, in its engine's cache, and uses it for as long
as it runs. The tests make a new app, so a new engine, for each test: each compiled the same
hundred statements again, a fifth of the suite's time. SQLAlchemy keys its cache by the
dialect object, so the engines made here share one dialect (and one cache) per driver and
options. That is safe because every test database of a driver is served by the same server
version; the engines keep their own pool, URL and events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy import create_engine as sqlalchemy_create_engine

_SHARED: dict[str, tuple[Any, Any]] = {}


def create_engine(url: Any, **kwargs: Any) -> Engine:
    """`sqlalchemy.create_engine`, with the dialect and compiled cache of the first engine made
    for the same driver and options."""
    engine = sqlalchemy_create_engine(url, **kwargs)
    key = f"{engine.url.drivername} {sorted(kwargs.items())!r}"
    shared = _SHARED.setdefault(key, (engine.dialect, engine._compiled_cache))
    engine.dialect, engine._compiled_cache = shared
    return engine


def install(patch: Callable[[str, Any], None]) -> None:
    patch("community.db.create_engine", create_engine)
