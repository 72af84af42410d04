import type { components } from "./events";

// The events service's answers, as its OpenAPI declares them (npm run types).
type S = components["schemas"];
export type Activity = S["ActivityOut"];
export type ActivityPage = S["Page_ActivityOut_"];
export type CreateActivity = S["CreateActivity"];
export type Registration = S["RegistrationOut"];
export type Cancellation = S["CancellationOut"];
export type Team = S["TeamOut"];
export type Award = S["AwardOut"];
export type AwardsPublished = S["AwardsPublishedOut"];
export type ActivityBudget = S["BudgetOut"];
export type PayCost = S["PayCost"];
export type ActivityKind = CreateActivity["kind"];
export type AwardLevel = S["RecordAward"]["level"];

export type CongressSession = S["SessionOut"];
export type PlanSession = S["PlanSession"];
export type Representative = S["RepresentativeOut"];
export type Proposal = S["ProposalOut"];
export type OverdueProposals = S["OverdueOut"];
export type AnswerKind = S["AnswerKind"];
export type Motion = S["MotionOut"];
export type CongressRollup = S["CongressRollupOut"];
export type Survey = S["SurveyOut"];
export type DraftSurvey = S["DraftSurvey"];
export type SurveyQuestion = S["QuestionIn"];
export type Nomination = S["NominationOut"];
export type PublicNotice = S["PublicNoticeOut"];

export const ACTIVITY_KINDS: ActivityKind[] = ["sport", "culture", "contest", "trip", "training", "health_check", "labour_competition", "skill_contest", "rights_week"];
export const AWARD_LEVELS: AwardLevel[] = ["first", "second", "third", "excellence"];
export const ANSWER_KINDS: AnswerKind[] = ["accepted", "merged", "referred", "rejected"];
/** Who plans activities and sessions, registers members and answers proposals (events' MANAGERS / OFFICERS). */
export const EVENT_MANAGERS = ["federation_admin", "union_officer"];
