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

export type ReplayAnswer = components["schemas"]["ReplayAnswer"];

/** Replays the chosen letters, each at the service that holds it; the answers in SERVICES' order. */
export function replayDeadLetters(letters: { service: Service; id: number }[]): Promise<ReplayAnswer[]> {
  const byService = SERVICES.map((service) => ({ service, ids: letters.filter((l) => l.service === service).map((l) => l.id) }));
  return Promise.all(
    byService
      .filter(({ ids }) => ids.length > 0)
      .map(({ service, ids }) => call<ReplayAnswer>(service, "/v1/dead-letters/replay", { method: "POST", body: { ids } })),
  );
}
