import { call, type Service } from "./client";
import type { components } from "./finance";

// The same routes and schemas in all four services (shared dead_letters_http); finance's types name them.
export type DeadLetterList = components["schemas"]["DeadLetterList"];
export type DeadLetter = components["schemas"]["DeadLetterOut"];
export type DeadLetterStatus = "pending" | "replayed" | "all";

export const SERVICES: Service[] = ["membership", "welfare", "events", "finance"];

/** Each service's dead letters of one status (the counts are over all of them, whatever the status). */
export function deadLettersOfEveryService(status: DeadLetterStatus, limit: number): Promise<DeadLetterList[]> {
  return Promise.all(SERVICES.map((service) => call<DeadLetterList>(service, "/v1/dead-letters", { query: { status, limit } })));
}
