import type { components as events } from "./events";
import type { components as welfare } from "./welfare";

// Skills and jobs (技能与就业) and the rights weeks (维权周), as the services' OpenAPI declares them (npm run types).
type E = events["schemas"];
export type JobPlacement = E["JobPlacementOut"];
export type JobPlacements = E["JobPlacementsOut"];
export type RecordJobPlacement = E["RecordJobPlacement"];
export type SkillsRollup = E["SkillsRollupOut"];
export type ActivityFigures = E["ActivityFiguresOut"];
export type PlacementFigures = E["PlacementFiguresOut"];
export type SkillKind = keyof E["SkillKindsOut"];

type W = welfare["schemas"];
export type RightsWeek = W["RightsWeekOut"];

// In the order the reports list them (events' domain/skills.py SKILL_KINDS).
export const SKILL_KINDS: SkillKind[] = ["training", "labour_competition", "skill_contest"];

/** Events' skills readers (service_layer/skills.py READERS): its OFFICERS record, auditors read. */
export const SKILLS_READERS = ["federation_admin", "union_officer", "auditor"];
export const SKILLS_OFFICERS = ["federation_admin", "union_officer"];

/** The start of a year on the federations' clock, as the activities list's `from`/`to` take it. */
export const yearStart = (year: number) => `${year}-01-01T00:00:00+08:00`;
