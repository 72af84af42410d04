import type { components as membership } from "./membership";

// The register's collective contracts, as membership's OpenAPI declares them (npm run types).
type M = membership["schemas"];
export type RegisteredContract = M["RegisteredContractOut"];
export type RegisteredContractPage = M["Page_RegisteredContractOut_"];
export type ContractState = RegisteredContract["state"];
export type Organization = M["OrganizationOut"];

/** On the federation's today (membership's domain/collective_contracts.py ContractState). */
export const CONTRACT_STATES: ContractState[] = ["in_force", "pending", "expired", "superseded"];

/**
 * The officers of a union founded in a registered enterprise read that enterprise's contracts
 * (membership's contract_readers). Its union is a grassroots union of the enterprise sector: the
 * contracts desk is offered there; the service answers which enterprise, if any, it was founded in.
 */
export const ENTERPRISE_UNION_CONTRACT_READERS = ["union_officer"];
export function isEnterpriseUnion(organization: Organization | undefined): boolean {
  return organization?.kind === "grassroots_union" && organization.sector === "enterprise";
}
