import { useQuery } from "@tanstack/react-query";
import { useParams } from "react-router-dom";
import { call } from "./api/client";
import type { components } from "./api/membership";
import { useSession } from "./session";

export type Organization = components["schemas"]["OrganizationOut"];

/** The organization the page acts for: the one in the address. */
export function useOrg(): string {
  return useParams().org!;
}

/** Everything the signed-in user may see: their own organization and what lies under it. */
export function useSubtree() {
  const { claims } = useSession();
  return useQuery({
    queryKey: ["subtree", claims.org],
    queryFn: () => call<Organization[]>("membership", `/v1/organizations/${encodeURIComponent(claims.org)}/subtree`),
    staleTime: 5 * 60_000,
  });
}

export interface ScopeNode {
  value: string;
  title: string;
  children: ScopeNode[];
}

export function scopeTree(organizations: Organization[]): ScopeNode[] {
  const nodes = new Map<string, ScopeNode>();
  for (const o of organizations) nodes.set(o.id, { value: o.id, title: o.name, children: [] });
  const roots: ScopeNode[] = [];
  for (const o of organizations) {
    const parent = o.parent_id ? nodes.get(o.parent_id) : undefined;
    (parent ? parent.children : roots).push(nodes.get(o.id)!);
  }
  return roots;
}
