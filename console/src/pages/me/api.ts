import type { components as events } from "../../api/events";
import type { components as membership } from "../../api/membership";

export type Me = membership["schemas"]["MeOut"];
export type MyDues = membership["schemas"]["MyDuesOut"];
export type MyActivity = events["schemas"]["MyActivityOut"];
export type Survey = events["schemas"]["SurveyOut"];
export type MyProposal = events["schemas"]["MyProposalOut"];
export type Notice = events["schemas"]["PublicNoticeOut"];

/** "2026-11-20T14:00:00+08:00" as "2026-11-20 14:00" (the services answer in the federation's zone). */
export const when = (moment: string) => moment.slice(0, 16).replace("T", " ");
