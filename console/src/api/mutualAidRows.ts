import type { components as welfare } from "./welfare";

// The mutual-aid fund (互助金), as welfare's OpenAPI declares it (npm run types).
type W = welfare["schemas"];
export type Contribution = W["ContributionOut"];
export type RecordContribution = W["RecordContribution"];
export type Loan = W["LoanOut"];
export type ApplyForLoan = W["ApplyForLoan"];
export type DecideLoan = W["DecideLoan"];
export type RecordRepayment = W["RecordRepayment"];
export type Instalment = W["InstalmentOut"];
export type Repayment = W["RepaymentOut"];
export type OverdueInstalment = W["OverdueInstalmentOut"];
export type FundStatement = W["FundStatement"];
export type FundFigures = W["FundFiguresOut"];
export type FundOfOrganization = W["FundOfOrganization"];
export type RefusedMovement = W["RefusedMovementOut"];
export type FinanceStatus = Contribution["finance_status"];

/** Welfare's mutual-aid RECORDERS (contributions, loans, decisions, repayments); READERS add the auditor. */
export const MUTUAL_AID_RECORDERS = ["welfare_officer", "union_officer", "federation_admin"];
export const MUTUAL_AID_READERS = [...MUTUAL_AID_RECORDERS, "auditor"];
/** The fund's rule (welfare's domain MAX_MONTHS): principal repaid within half a year. */
export const MAX_LOAN_MONTHS = 6;
export const LOAN_STATUSES = ["applied", "lent", "repaid", "rejected", "refused"] as const;

/**
 * The instalments a loan would be repaid in, as welfare splits it (domain/mutual_aid.py): whole fen
 * adding up to the principal, the first ones a fen larger when it does not divide evenly.
 */
export function scheduleOf(amountFen: number, months: number): number[] {
  const base = Math.floor(amountFen / months);
  const larger = amountFen - base * months;
  return Array.from({ length: months }, (_, i) => base + (i < larger ? 1 : 0));
}
