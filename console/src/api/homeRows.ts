import type { components as membership } from "./membership";

// 职工之家 certification (建家达标), as membership's OpenAPI declares it (npm run types).
type M = membership["schemas"];
export type HomeChecklist = M["ChecklistOut"];
export type HomeChecklistItem = M["ChecklistItemOut"];
export type PublishHomeChecklist = M["PublishHomeChecklist"];
export type HomeAssessment = M["AssessmentOut"];
export type HomeAssessmentLine = M["AssessmentLineOut"];
export type HomeItemScore = M["ItemScoreOut"];
export type ScoreHomeAssessment = M["ScoreHomeAssessment"];
export type AddHomeEvidence = M["AddHomeEvidence"];
export type ReviewHomeAssessment = M["ReviewHomeAssessment"];
export type ReturnHomeAssessment = M["ReturnWithReason"];
export type HomeRenewalsDue = M["DueOut"];
export type HomeDueAward = M["DueAwardOut"];
export type HomeCertificationRate = M["CertificationRateOut"];
export type HomeRateLine = M["RateLineOut"];
export type HomeLevel = NonNullable<HomeAssessment["level"]>;
export type HomeStatus = HomeAssessment["status"];

export const HOME_LEVELS: HomeLevel[] = ["qualified", "advanced", "model"];
export const HOME_STATUSES: HomeStatus[] = ["draft", "submitted", "returned", "reviewed"];

/** Membership's 职工之家 readers (service_layer/home.py READERS); officers assess (their own union) and review (below them). */
export const HOME_READERS = ["federation_admin", "union_officer", "auditor"];
export const HOME_OFFICERS = ["federation_admin", "union_officer"];

/** The union's own officers assess it; officers of an organization above it review. */
export function mayAssess(role: string, callerOrg: string, union: string): boolean {
  return HOME_OFFICERS.includes(role) && callerOrg === union;
}
export function mayReview(role: string, callerOrg: string, union: string): boolean {
  return HOME_OFFICERS.includes(role) && callerOrg !== union;
}
