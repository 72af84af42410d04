import type { components as membership } from "./membership";

// Safety supervision (安全生产监督) and the 春暖行动 labour-contract checks, as membership's OpenAPI declares them (npm run types).
type M = membership["schemas"];
export type SafetyInspector = M["SafetyInspectorOut"];
export type AppointSafetyInspector = M["AppointSafetyInspector"];
export type RetireSafetyInspector = M["RetireSafetyInspector"];
export type Inspection = M["InspectionOut"];
export type Hazard = M["HazardOut"];
export type RecordSafetyInspection = M["RecordSafetyInspection"];
export type FoundHazard = M["FoundHazardRecord"];
export type HazardSeverity = FoundHazard["severity"];
export type FixHazard = M["FixHazard"];
export type OverdueHazards = M["OverdueOut"];
export type OverdueHazard = M["OverdueHazardOut"];
export type SafetyRollup = M["SafetyRollupOut"];

export type LabourContractCheck = M["LabourContractCheckOut"];
export type RecordLabourContractCheck = M["RecordLabourContractCheck"];
export type SigningRollup = M["SigningRollupOut"];
export type BelowTarget = M["BelowOut"];

export const HAZARD_SEVERITIES: HazardSeverity[] = ["general", "major"];

/** Membership's safety supervision: federation admins write, their auditors read (service_layer/safety.py, READERS). */
export const SAFETY_READERS = ["federation_admin", "auditor"];
export const SAFETY_WRITERS = ["federation_admin"];
