import type { components as events } from "../../api/events";
import type { components as membership } from "../../api/membership";

export type Me = membership["schemas"]["MeOut"];
export type MyDues = membership["schemas"]["MyDuesOut"];
export type MyActivity = events["schemas"]["MyActivityOut"];
export type Survey = events["schemas"]["SurveyOut"];
export type MyProposal = events["schemas"]["MyProposalOut"];
export type Notice = events["schemas"]["PublicNoticeOut"];
