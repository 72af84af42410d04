import type { components as finance } from "./finance";

// The audit committee (经审): findings, answers and term sign-offs, as finance's OpenAPI declares them (npm run types).
type F = finance["schemas"];
export type Finding = F["FindingOut"];
export type RecordFinding = F["RecordFinding"];
export type SignOff = F["SignOffOut"];
export type AuditChain = F["AuditChainOut"];
export type FindingState = Finding["state"];
export type Severity = Finding["severity"];

/** Only the audit committee records, closes and re-opens findings and signs off a term. */
export const FINDING_RECORDERS = ["auditor"];
/** Only the ledger's treasurers answer. */
export const FINDING_ANSWERERS = ["union_officer", "federation_admin"];
