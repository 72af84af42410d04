import { useMemo, useRef } from "react";
import { newIdempotencyKey } from "./client";
import type { components } from "./membership";
import { scopeTree, useSubtree, type Organization, type ScopeNode } from "../scope";

export type Member = components["schemas"]["MemberOut"];
export type MemberPage = components["schemas"]["Page_MemberOut_"];
export type HistoryEntry = components["schemas"]["HistoryEntryOut"];
export type DuesPayment = components["schemas"]["DuesPaymentOut"];
export type MemberChange = components["schemas"]["MemberChangeOut"];
export type MemberChangeOutcome = components["schemas"]["MemberChangeOutcomeOut"];
export type PersonalData = components["schemas"]["PersonalDataOut"];
export type EnrolMember = components["schemas"]["EnrolMember"];

/** Roles membership lets see staff numbers and ID numbers and change members (its OFFICERS). */
export const MEMBER_OFFICERS = ["federation_admin", "union_officer"];
/** Roles welfare lets read grants (its READERS). */
export const GRANT_READERS = ["welfare_officer", "union_officer", "federation_admin", "auditor"];
export const isMemberOfficer = (role: string) => MEMBER_OFFICERS.includes(role);

/**
 * A grant as welfare answers it. Welfare's grant routes declare no response model yet, so the
 * generated types have none: these are the columns the card shows.
 */
export interface GrantRow {
  id: string;
  organization_id: string;
  visit_type: string;
  occasion_on: string;
  amount_fen: number;
  money_fen: number;
  goods_fen: number;
  status: string;
}

/** Organization names by id (the signed-in user's whole scope), and a name's path for a group. */
export function useOrganizationNames() {
  const subtree = useSubtree();
  return useMemo(() => {
    const byId = new Map<string, Organization>((subtree.data ?? []).map((o) => [o.id, o]));
    const nameOf = (id: string | null | undefined): string => {
      if (!id) return "—";
      const o = byId.get(id);
      if (!o) return id;
      const parent = o.kind === "union_group" && o.parent_id ? byId.get(o.parent_id) : undefined;
      return parent ? `${parent.name} / ${o.name}` : o.name;
    };
    return { nameOf, organizations: subtree.data ?? [], loading: subtree.isLoading };
  }, [subtree.data, subtree.isLoading]);
}

/** The organizations under (and including) ``root`` as a tree for a TreeSelect. */
export function treeUnder(organizations: Organization[], root: string): ScopeNode[] {
  return scopeTree(organizations.filter((o) => o.path.includes(root)));
}

/** The shape of an ID number (GB 11643): 18 characters. The check digit is the service's to verify. */
export function idShapeOk(value: string): boolean {
  return /^[1-9]\d{16}[\dXx]$/.test(value.replace(/\s/g, ""));
}

/**
 * One Idempotency-Key per distinct request of a form: a retried click sends the same key (applied
 * once), a corrected request gets a new one (the service refuses a key reused with another body).
 */
export function useRequestKeys(): (request: unknown) => string {
  const keys = useRef(new Map<string, string>());
  return (request) => {
    const text = JSON.stringify(request);
    if (!keys.current.has(text)) keys.current.set(text, newIdempotencyKey());
    return keys.current.get(text)!;
  };
}
