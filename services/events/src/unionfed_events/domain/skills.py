"""Skills and jobs (技能与就业). Rules only.

The reports count what a union did for its workers' skills and livelihoods: training courses,
labour competitions and skill contests held (activities of those kinds, with the people who took
part and the awards), and the people its help brought back into work (再就业). A job placement is
recorded as a count of people placed with one employer on one day — the figure the reports ask
for — never as personal data: the people themselves are not named here.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from unionfed_shared.errors import Invalid

# The activity kinds the roll-up counts, in the order the reports list them.
SKILL_KINDS = ("training", "labour_competition", "skill_contest")
TRAINING = "training"
MOST_PEOPLE = 10_000


@dataclass(frozen=True)
class JobPlacement:
    """People a union helped into work with one employer on one day (再就业帮扶)."""

    id: uuid.UUID
    organization_id: str
    federation_id: str
    placed_on: dt.date  # business date in the federation's zone
    employer: str
    people: int
    members: int  # of them, union members
    training_activity_id: uuid.UUID | None  # the union's training course that prepared them, if any
    note: str
    recorded_by: str
    recorded_at: dt.datetime | None = None  # stamped by the store


def check_placement(people: int, members: int, placed_on: dt.date, today: dt.date) -> None:
    if members > people:
        raise Invalid(
            "job_placement_members_exceed_people",
            zh=f"其中会员人数（{members}）不能多于安置人数（{people}）",
            en=f"members ({members}) cannot be more than the people placed ({people})",
            pointer="#/members",
        )
    if placed_on > today:
        raise Invalid(
            "job_placement_date_in_future",
            zh="就业日期不能晚于今天",
            en="placed_on is in the future",
            pointer="#/placed_on",
        )


def check_training(kind: str | None, status: str | None, federation_id: str | None, placing_federation: str) -> None:
    """The course named must be a training activity of the same federation that was held (published)."""
    if kind != TRAINING or status != "published" or federation_id != placing_federation:
        raise Invalid(
            "job_placement_training_unknown",
            zh="所填培训活动不存在、未发布、已取消、不是培训类活动，或不属于本联合会",
            en="the training activity is unknown, not published, cancelled, not a training, or of another federation",
            pointer="#/training_activity_id",
        )


@dataclass
class ActivityFigures:
    """Activities of one kind held in the year, the people confirmed in them, who attended, and awards."""

    held: int = 0
    entrants: int = 0
    attended: int = 0
    awards: int = 0


@dataclass
class PlacementFigures:
    records: int = 0
    people: int = 0
    members: int = 0
    after_training: int = 0  # people placed after one of the union's training courses


@dataclass
class SkillsRollup:
    organization_id: str
    year: int
    by_kind: dict[str, ActivityFigures] = field(default_factory=lambda: {k: ActivityFigures() for k in SKILL_KINDS})
    placements: PlacementFigures = field(default_factory=PlacementFigures)
