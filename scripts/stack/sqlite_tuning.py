# Imported first by every Cinder process: each sqlite transaction starts with BEGIN IMMEDIATE
# and waits up to 20 s for the lock, so the API, scheduler and volume processes sharing one file
# never fail with "database is locked" (a deferred transaction cannot upgrade to a write lock
# after another connection committed). oslo.db already turns pysqlite's implicit transactions
# off and emits a plain BEGIN itself; that statement is made IMMEDIATE here.
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
