import type { components as events } from "./events";

// Democratic evaluations (民主评议) and the 师德 assessment, as events' OpenAPI declares them (npm run types).
type E = events["schemas"];
export type Evaluation = E["EvaluationOut"];
export type EvaluationResults = E["EvaluationResultsOut"];
export type SubjectResult = E["SubjectResultOut"];
export type AnswerCode = E["CodeOut"];
export type EvaluationRollup = E["EvaluationRollupOut"];
export type Submitted = E["SubmittedOut"];
export type DraftEvaluation = E["DraftEvaluation"];
export type EthicsList = E["EthicsListOut"];
export type EthicsRow = E["EthicsRowOut"];
export type EthicsRollup = E["EthicsRollupOut"];
export type EthicsUnion = E["EthicsUnionOut"];
export type AssessEthics = E["AssessEthics"];
export type OutsideForm = E["OutsideFormOut"];

/** Events' evaluations.READERS: its OFFICERS run evaluations and assessments, auditors read. */
export const EVALUATION_READERS = ["federation_admin", "union_officer", "auditor"];
export const EVALUATION_OFFICERS = ["federation_admin", "union_officer"];
// domain/evaluations.py ETHICS_RESULTS and NEEDS_NOTE
export const ETHICS_RESULTS = ["优秀", "合格", "基本合格", "不合格"] as const;
export const ETHICS_NEEDS_NOTE = ["基本合格", "不合格"];
