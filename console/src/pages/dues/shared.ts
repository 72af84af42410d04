import type { components } from "../../api/membership";

export type DuesOfMonth = components["schemas"]["DuesOfMonthOut"];
export type MemberDues = components["schemas"]["MemberDuesOut"];
export type DuesCollection = components["schemas"]["DuesCollectionOut"];
export type NotCollected = components["schemas"]["NotCollectedOut"];
export type OrganizationArrears = components["schemas"]["OrganizationArrearsOut"];
export type UnionArrears = components["schemas"]["UnionArrearsOut"];
export type MemberArrears = components["schemas"]["MemberArrearsOut"];
export type DuesPolicy = components["schemas"]["DuesPolicyOut"];

/** Who may run a month's collection (membership's OFFICERS); the auditor reads. */
export const DUES_COLLECTORS = ["federation_admin", "union_officer"];
export const DUES_READERS = [...DUES_COLLECTORS, "auditor"];

const period = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;

/** This month and the ones before it, newest first ("2026-12", "2026-11", …). */
export function recentMonths(count = 24): string[] {
  const now = new Date();
  return Array.from({ length: count }, (_, i) => period(new Date(now.getFullYear(), now.getMonth() - i, 1)));
}
