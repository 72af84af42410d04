import { useQuery } from "@tanstack/react-query";
import { call } from "../../api/client";
import type { ActivityPage } from "../../api/eventRows";

/** The published training courses the organization runs or its members may join: a placement may name one. */
export function useTrainings(org: string) {
  return useQuery({
    queryKey: ["activities", org, "trainings"],
    queryFn: () =>
      call<ActivityPage>("events", `/v1/organizations/${encodeURIComponent(org)}/activities`, {
        query: { kind: "training", status: "published", limit: 500 },
      }),
    staleTime: 60_000,
  });
}
