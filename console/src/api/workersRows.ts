import type { components as membership } from "./membership";

// Migrant workers (农民工) and new-form workers (新就业形态劳动者), as membership's OpenAPI declares them (npm run types).
type M = membership["schemas"];
export type JointUnion = M["JointUnionOut"];
export type DesignateJointUnion = M["DesignateJointUnion"];
export type UnionForm = DesignateJointUnion["form"];
export type WorkerRecord = M["WorkerRecordOut"];
export type WorkerCategory = M["WorkerCategoryOut"];
export type Employment = M["EmploymentOut"];
export type RecordWorkerCategory = M["RecordWorkerCategory"];
export type NewForm = NonNullable<RecordWorkerCategory["new_form"]>;
export type ChangeEmployer = M["ChangeEmployer"];
export type TransferToEmployerUnion = M["TransferToEmployerUnion"];
export type TransferOutcome = M["MemberChangeOutcomeOut"];
export type MobileWorkerCounts = M["MobileWorkerCountsOut"];
export type FormTally = M["FormTallyOut"];
export type Tally = M["TallyOut"];

export const UNION_FORMS: UnionForm[] = ["joint", "trade"];
// In the order membership counts them (domain/mobile_workers.py NEW_FORMS).
export const NEW_FORMS: NewForm[] = ["delivery_rider", "courier", "ride_hailing_driver", "truck_driver", "other"];

/** Who opens the desk: membership's OFFICERS keep the records, auditors read (mobile_workers.worker_record). */
export const WORKER_READERS = ["federation_admin", "union_officer", "auditor"];
export const WORKER_OFFICERS = ["federation_admin", "union_officer"];
/** The counts over the subtree: the registrar's readers (service_layer/enterprises.READERS). */
export const COUNT_READERS = ["federation_admin", "auditor"];
