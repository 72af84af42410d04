"""Files attached to activities, congress sessions and spot checks (台账): minutes, plans,
summaries, photos, rectification proof.

Read by whoever may read the activity or the session, attached by whoever may run it: an activity
by its organizer's officers (``load_activity(manage=True)``), a session by its union's officers.
A spot check's files (the photos of what was found, the proof of what was rectified) are read by
whoever reads the check and attached, until it is closed, by the officers of the union checked
or of the union that checked it (see :func:`spot_checks.attachable`).
"""

import uuid

from unionfed_events.domain.spot_checks import SUBJECT_ZH, SpotCheck, Subject
from unionfed_events.service_layer import activities, congress_sessions, spot_checks
from unionfed_events.service_layer.union_scope import OFFICERS
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.attachments.records import RecordKind, RecordRef
from unionfed_shared.auth import Principal, Role

PURPOSES = ("minutes", "plan", "summary", "photo", "other")
ARCHIVE_READERS = (*OFFICERS, Role.AUDITOR)


async def _activity(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, manage: bool) -> RecordRef:
    activity = await activities.load_activity(uow, principal, activity_id, manage=manage)
    if manage:
        principal.require_role(*activities.MANAGERS)
    return RecordRef(activity.organization_id, str(activity.id), activity.title)


async def activity_readable(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> RecordRef:
    return await _activity(uow, principal, activity_id, manage=False)


async def activity_writable(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> RecordRef:
    return await _activity(uow, principal, activity_id, manage=True)


async def activity_titles(uow: EventsUnitOfWork, record_ids: list[str]) -> dict[str, str]:
    found = {}
    for record_id in record_ids:
        activity = await uow.activities.get(uuid.UUID(record_id))
        if activity is not None:
            found[record_id] = activity.title
    return found


async def session_readable(uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID) -> RecordRef:
    session = await congress_sessions.session_in_scope(uow, principal, session_id)
    return RecordRef(session.organization_id, str(session.id), session.title)


async def session_writable(uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID) -> RecordRef:
    record = await session_readable(uow, principal, session_id)
    principal.require_role(*OFFICERS)
    return record


async def session_titles(uow: EventsUnitOfWork, record_ids: list[str]) -> dict[str, str]:
    found = {}
    for record_id in record_ids:
        session = await uow.congress_sessions.get(uuid.UUID(record_id))
        if session is not None:
            found[record_id] = session.title
    return found


async def spot_check_readable(uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID) -> RecordRef:
    check = await spot_checks.get(uow, principal, check_id)
    return RecordRef(check.organization_id, str(check.id), _spot_check_title(check))


async def spot_check_writable(uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID) -> RecordRef:
    check = await spot_checks.attachable(uow, principal, check_id)
    return RecordRef(check.organization_id, str(check.id), _spot_check_title(check))


def _spot_check_title(check: SpotCheck) -> str:
    return f"{check.checked_on} {SUBJECT_ZH.get(Subject(check.subject), check.subject)}：{check.subject_detail}"


async def spot_check_titles(uow: EventsUnitOfWork, record_ids: list[str]) -> dict[str, str]:
    found = {}
    for record_id in record_ids:
        check = await uow.spot_checks.get(uuid.UUID(record_id))
        if check is not None:
            found[record_id] = _spot_check_title(check)
    return found


ACTIVITY = RecordKind(
    kind="activity",
    path="/activities/{activity_id}",
    parameter="activity_id",
    label_zh="活动",
    purposes=PURPOSES,
    readable=activity_readable,
    writable=activity_writable,
    titles=activity_titles,
)
CONGRESS_SESSION = RecordKind(
    kind="congress_session",
    path="/congress-sessions/{session_id}",
    parameter="session_id",
    label_zh="职代会/教代会会议",
    purposes=PURPOSES,
    readable=session_readable,
    writable=session_writable,
    titles=session_titles,
)
SPOT_CHECK = RecordKind(
    kind="spot_check",
    path="/spot-checks/{spot_check_id}",
    parameter="spot_check_id",
    label_zh="督查",
    purposes=("photo", "rectification", "minutes", "other"),
    readable=spot_check_readable,
    writable=spot_check_writable,
    titles=spot_check_titles,
)
KINDS = (ACTIVITY, CONGRESS_SESSION, SPOT_CHECK)
