// Welfare's grant and hardship-file routes answer free-form rows in the OpenAPI document (no
// response model); these are the columns the desk reads. Everything else comes typed from welfare.d.ts.

export type GrantState =
  | "awaiting_finance"
  | "reserved"
  | "approved_awaiting_payment"
  | "paying"
  | "paid"
  | "refused"
  | "cancelling"
  | "cancelled";

export interface Grant {
  id: string;
  organization_id: string;
  member_id: string;
  member_name: string | null;
  visit_type: string;
  visit_label: string;
  occasion_on: string;
  occasion_ref: string;
  money_fen: number;
  goods_fen: number;
  amount_fen: number;
  status: "recorded" | "approved" | "cancelled";
  state: GrantState;
  finance_reason: string | null;
  paid_on: string | null;
}

export interface GrantPage {
  items: Grant[];
  next_cursor: string | null;
}

/** A hardship file as the caller may see it: without the right to details, only the first four fields come. */
export interface HardshipFile {
  id: string;
  pseudonym: string;
  organization_id: string;
  status: string;
  details_visible: boolean;
  member_name?: string;
  level_label?: string;
  cause_label?: string;
  cause_detail?: string;
  opened_on?: string;
  next_review_on?: string | null;
}

/** While finance has not answered, the grant's state still moves: the desk keeps asking. */
export const GRANT_IN_FLIGHT: GrantState[] = ["awaiting_finance", "approved_awaiting_payment", "paying", "cancelling"];
