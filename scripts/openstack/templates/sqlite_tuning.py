"""Imported first by every Cinder and Nova process (REAL-STACK.md pitfall 14).

Several processes share one sqlite file. With deferred transactions a reader cannot upgrade to
a writer after another connection committed ("database is locked" at once, not after the busy
timeout), which leaked quota reservations. Here every transaction starts with BEGIN IMMEDIATE
and waits up to 20 s for the lock. oslo.db turns pysqlite's implicit transactions off and
emits a plain BEGIN itself; that statement is made IMMEDIATE.
Not for Keystone/Placement (served one request at a time instead)."""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine


@event.listens_for(Engine, "connect")
def _connect(dbapi_connection, _record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA busy_timeout = 20000")


@event.listens_for(Engine, "before_cursor_execute", retval=True)
def _immediate(_conn, _cursor, statement, parameters, _context, _executemany):
    if statement.strip().upper() == "BEGIN":
        statement = "BEGIN IMMEDIATE"
    return statement, parameters
