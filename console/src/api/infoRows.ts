import type { components as events } from "./events";

// Information reporting (信息报送), as events' OpenAPI declares it (npm run types).
type E = events["schemas"];
export type InfoItem = E["InfoItemOut"];
export type InfoItemPage = E["Page_InfoItemOut_"];
export type WriteInfoItem = E["WriteInfoItem"];
export type InfoCategory = E["InfoCategory"];
export type AdoptionLevel = E["AdoptionLevel"];
export type InfoStatus = InfoItem["status"];
export type PointsTable = E["PointsTableOut"];
export type PublishPointsTable = E["PublishPointsTable"];
export type InfoRanking = E["InfoRankingOut"];
export type UnionRank = E["UnionRankOut"];

// In events' order (domain/information.py): categories, and levels from the lowest up.
export const INFO_CATEGORIES: InfoCategory[] = ["work_news", "experience", "exemplary", "other"];
export const INFO_LEVELS: AdoptionLevel[] = ["county", "city", "province"];
export const INFO_STATUSES: InfoStatus[] = ["draft", "submitted", "adopted", "declined"];

/** Events' information readers (service_layer/information.py READERS): its OFFICERS write and adopt, auditors read. */
export const INFO_READERS = ["federation_admin", "union_officer", "auditor"];
export const INFO_OFFICERS = ["federation_admin", "union_officer"];

/** The levels an item may still be adopted at: above the highest it was adopted at. */
export function levelsLeft(item: InfoItem): AdoptionLevel[] {
  const highest = item.adoptions.length ? INFO_LEVELS.indexOf(item.adoptions[item.adoptions.length - 1].level) : -1;
  return INFO_LEVELS.slice(highest + 1);
}
