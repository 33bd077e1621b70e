"""The throwaway PostgreSQL harness starts, serves databases and stops cleanly."""

from __future__ import annotations

import socket

import psycopg
import pytest
from sqlalchemy import create_engine, make_url, text

from tests.support.postgres import start_postgres


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR: ignore TIME_WAIT leftovers, but still fail on a live listener.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_start_create_connect_stop(tmp_path):
    server = start_postgres(tmp_path)
    try:
        assert make_url(server.url).drivername == "postgresql+psycopg"

        first = server.create_database("harness_one")
        second = server.create_database("harness_two")
        assert make_url(first).database == "harness_one"
        assert make_url(second).database == "harness_two"

        engine = create_engine(first)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("select 1")).scalar_one() == 1
                assert conn.execute(text("select current_database()")).scalar_one() == (
                    "harness_one"
                )
                encoding = conn.execute(text("show server_encoding")).scalar_one()
                assert encoding == "UTF8"
        finally:
            engine.dispose()

        # create_database gives a *fresh* database each time.
        engine = create_engine(first)
        try:
            with engine.begin() as conn:
                conn.execute(text("create table t (x int)"))
        finally:
            engine.dispose()
        server.create_database("harness_one")
        engine = create_engine(first)
        try:
            with engine.connect() as conn:
                assert conn.execute(text("select to_regclass('t')")).scalar_one() is None
        finally:
            engine.dispose()
    finally:
        server.stop()
    server.stop()  # idempotent

    if server.external:
        return  # OUDERKRING_TEST_POSTGRES_URL is set: that server is not ours to stop
    assert server.port is not None
    assert _port_is_free(server.port)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(
            host="127.0.0.1",
            port=server.port,
            user="ouderkring",
            dbname="postgres",
            connect_timeout=3,
        )
