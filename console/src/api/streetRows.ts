import type { components as events } from "./events";
import type { components as membership } from "./membership";
import type { components as welfare } from "./welfare";

// The street federation's first slice, as the services' OpenAPI declares it (npm run types).
type M = membership["schemas"];
export type Enterprise = M["EnterpriseOut"];
export type RegisterEnterprise = M["RegisterEnterprise"];
export type FoundEnterpriseUnion = M["FoundEnterpriseUnion"];
export type Foundings = M["FoundingsOut"];
export type CollectiveContract = M["CollectiveContractOut"];
export type SignCollectiveContract = M["SignCollectiveContract"];
export type ContractKind = SignCollectiveContract["kind"];
export type ExpiringContracts = M["ExpiringOut"];
export type ExpiringContract = M["ExpiringContractOut"];
export type ContractsRollup = M["RollupOut"];
export type KindFigures = M["KindFiguresOut"];
export type Rate = M["RateOut"];

type W = welfare["schemas"];
export type RightsCase = W["RightsCaseOut"];
export type OpenRightsCase = W["OpenRightsCase"];
export type MoveRightsCase = W["MoveRightsCase"];
export type RightsStatistics = W["RightsCaseStatistics"];
export type CaseStage = MoveRightsCase["stage"];

type E = events["schemas"];
export type Improvement = E["ImprovementOut"];
export type ImprovementPage = E["Page_ImprovementOut_"];
export type FileImprovement = E["FileImprovement"];
export type DecideImprovement = E["DecideImprovement"];
export type ImplementImprovement = E["ImplementImprovement"];
export type ImprovementRollup = E["ImprovementRollupOut"];
export type ImprovementFigures = E["ImprovementFiguresOut"];
export type UnionImprovements = E["UnionImprovementsOut"];

export const CONTRACT_KINDS: ContractKind[] = ["comprehensive", "wage", "women_workers"];
export const CLAIM_KINDS = ["wage_arrears", "labour_contract", "work_injury", "other"] as const;
// Forward only: a case moves up this order (welfare's domain/rights_cases.py _RANK).
export const CASE_STAGES = ["accepted", "mediation", "arbitration", "litigation", "closed"] as const;

/** Who keeps the enterprise register and the contracts (membership's enterprises: federation admins write, auditors read). */
export const ENTERPRISE_READERS = ["federation_admin", "auditor"];
/** Welfare's rights-case readers; all but the auditor open cases (rules.OPENERS). */
export const RIGHTS_READERS = ["welfare_officer", "union_officer", "federation_admin", "auditor"];
export const RIGHTS_OPENERS = ["welfare_officer", "union_officer", "federation_admin"];
/** Events' improvements: its OFFICERS keep the register, auditors read. */
export const IMPROVEMENT_READERS = ["federation_admin", "union_officer", "auditor"];
export const IMPROVEMENT_OFFICERS = ["federation_admin", "union_officer"];

/**
 * Today in the federations' zone as YYYY-MM-DD, for a required date's default: the browser's own day
 * may differ (after 16:00 UTC Shanghai is a day ahead). Optional dates are left blank instead, and
 * the service takes the federation's today.
 */
export const shanghaiToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

/** A rate as the reports print it: "62.5%（5/8）", or a dash when there is nothing to count. */
export function rateText(rate: Rate): string {
  return `${rate.percent === null || rate.percent === undefined ? "—" : `${rate.percent.toFixed(1)}%`}（${rate.signed}/${rate.of}）`;
}

/** A template's {name} placeholders filled in. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
