"""What every ``beian-office`` subcommand handler does alike: open ``--db`` for one read
or one write, find who acts (``--as``), print rows as JSON or as lines.

The handlers print and log after their ``with`` block, that is after the transaction
has committed, so a message never announces what a failed commit undid. Errors are not
caught here: ``office.cli.main`` turns an ``OfficeError`` or an unusable database into a
Chinese message and the exit status.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection

from office.staff import Actor
from office.store import OfficeStore


@contextmanager
def reading(args: argparse.Namespace, *, create: bool = False) -> Iterator[Connection]:
    """The database of ``--db`` for reading (it must exist and hold the schema, unless
    ``create``)."""
    store = OfficeStore.open(args.db, create=create)
    with store.read() as db:
        yield db


@contextmanager
def writing(args: argparse.Namespace, *, create: bool = False) -> Iterator[Connection]:
    """The database of ``--db`` in one write transaction, committed when the block ends
    (``create``: a missing or empty database gets the schema first)."""
    store = OfficeStore.open(args.db, create=create)
    with store.write() as db:
        yield db


def actor(db: Connection, args: argparse.Namespace) -> Actor:
    """Who acts: the staff account of ``--as`` (its role is checked by the operation), or
    the operator at the shell (``cli``)."""
    from office import users

    return Actor.cli() if args.as_user is None else users.actor_for(db, args.as_user)


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def print_rows(
    args: argparse.Namespace,
    rows: Sequence[dict[str, Any]],
    line: Callable[[dict[str, Any]], str],
    *,
    empty: str | None = None,
) -> None:
    """``rows`` as a JSON array with ``--json``; else ``line(row)`` for each row, or
    ``empty`` (when given) for none."""
    if args.json:
        print_json(list(rows))
    elif not rows:
        if empty is not None:
            print(empty)
    else:
        for row in rows:
            print(line(row))
