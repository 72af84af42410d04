"""Changes that vanish, in the database and in memory, when a block raises.

The poster tries each journal entry in such a block: a refused entry leaves neither rows nor the
repositories' in-memory state behind, and the entries before it in the batch stand.
"""

import contextlib
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession


class _LazySavepoint:
    """A SAVEPOINT taken just before the first statement that needs one, if any does."""

    def __init__(self):
        self._transaction = None

    def begin(self, session) -> None:
        # Runs inside SQLAlchemy's greenlet, before the statement: the sync API is the one to use.
        if self._transaction is None:
            self._transaction = session.begin_nested()

    async def end(self, session: AsyncSession, *, commit: bool) -> None:
        transaction, self._transaction = self._transaction, None
        if transaction is not None and transaction.is_active:
            await session.run_sync(lambda _: transaction.commit() if commit else transaction.rollback())


class TentativeChanges:
    """Most changes touch only what the repositories keep in memory, undone by an undo log; a
    SAVEPOINT (two round trips) is taken only when a statement runs inside the block."""

    def __init__(self, session: AsyncSession):
        self._session = session
        self._undo: list[Callable[[], object]] | None = None
        self._savepoint: _LazySavepoint | None = None
        event.listen(session.sync_session, "do_orm_execute", self._before_statement)

    @property
    def inside(self) -> bool:
        return self._undo is not None

    @contextlib.asynccontextmanager
    async def block(self):
        outer_undo, outer_savepoint = self._undo, self._savepoint
        self._undo, self._savepoint = [], _LazySavepoint()
        try:
            yield
        except BaseException:
            for undo in reversed(self._undo):
                undo()
            await self._savepoint.end(self._session, commit=False)
            raise
        else:
            await self._savepoint.end(self._session, commit=True)
            if outer_undo is not None:
                outer_undo.extend(self._undo)
        finally:
            self._undo, self._savepoint = outer_undo, outer_savepoint

    def _before_statement(self, execute_state) -> None:
        if self._savepoint is not None:
            self._savepoint.begin(execute_state.session)

    def remember(self, undo: Callable[[], object]) -> None:
        if self._undo is not None:
            self._undo.append(undo)
