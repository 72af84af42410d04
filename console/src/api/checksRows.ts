import type { components as events } from "./events";
import type { components as finance } from "./finance";

// 督查 (the county checks the schools), as the services' OpenAPI declares them (npm run types).
type E = events["schemas"];
export type SpotCheck = E["SpotCheckOut"];
export type SpotCheckPage = E["Page_SpotCheckOut_"];
export type RecordSpotCheck = E["RecordSpotCheck"];
export type FollowUpSpotCheck = E["FollowUpSpotCheck"];
export type CloseSpotCheck = E["CloseSpotCheck"];
export type CongressRollup = E["CongressRollupOut"];
export type SpotCheckSubject = SpotCheck["subject"];

type F = finance["schemas"];
export type DisclosureRollup = F["DisclosureRollupOut"];
export type UnionDisclosures = F["UnionDisclosuresOut"];
export type Publication = F["PublicationOut"];

export const SUBJECTS: SpotCheckSubject[] = ["congress", "disclosure", "other"];

/** Events' spot-check readers (service_layer/spot_checks.py READERS): its OFFICERS record, follow up and close. */
export const CHECK_READERS = ["federation_admin", "union_officer", "auditor"];
export const CHECK_OFFICERS = ["federation_admin", "union_officer"];
