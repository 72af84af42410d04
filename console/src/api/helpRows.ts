import type { components as welfare } from "./welfare";

// Help beyond the members (送温暖 to non-members and organizations) and student aid (金秋助学), as
// welfare's OpenAPI declares them (npm run types).
type W = welfare["schemas"];
export type OutsideGrant = W["OutsideGrantOut"];
export type RecordOutsideGrant = W["RecordOutsideGrant"];
export type OutsideRecipient = W["OutsideRecipient"];
export type OrganizationKind = NonNullable<OutsideRecipient["organization_kind"]>;
export type StudentAidScheme = W["StudentAidSchemeOut"];
export type CreateStudentAidScheme = W["CreateStudentAidScheme"];
export type StudentAidApplication = W["StudentAidApplicationOut"];
export type ApplyStudentAid = W["ApplyStudentAid"];
export type ReviewStudentAid = W["ReviewStudentAid"];
export type StudentAidRollup = W["StudentAidRollup"];
export type AidLevelTally = W["AidLevelTally"];
export type AidKindTally = W["AidStudentKindTally"];

export const ORGANIZATION_KINDS: OrganizationKind[] = ["village_school", "migrant_workers", "community", "other"];

/** Who records help and applies for aid (outside_help / student_aid RECORDERS); the auditor reads too. */
export const HELP_RECORDERS = ["welfare_officer", "union_officer", "federation_admin"];
export const HELP_READERS = [...HELP_RECORDERS, "auditor"];
/** Student aid schemes are set by a federation's admin (student_aid.create_scheme). */
export const SCHEME_SETTERS = ["federation_admin"];

/** An application's state (student_aid.display_state): while finance has not answered it still moves. */
export const AID_IN_FLIGHT = ["awaiting_finance", "approved_awaiting_payment", "paying", "refusing"];

// The resident ID number as the API takes it: 17 digits and a check digit or X.
export const ID_NUMBER = /^\s*[0-9]{17}[0-9Xx]\s*$/;
// A phone as the API takes it (welfare's Phone).
export const PHONE = /^\s*\+?[0-9][0-9 -]{4,19}\s*$/;
