import { useQuery } from "@tanstack/react-query";
import { Alert, Spin } from "antd";
import { call } from "../api/client";
import type { components } from "../api/finance";
import { useI18n } from "../i18n";

type MoneyRequest = components["schemas"]["MoneyRequestOut"];
export type Accepted = components["schemas"]["Accepted"];

/**
 * A money command answered 202: pending until finance has applied it, then settled or refused —
 * polled every second, never a silent wait.
 */
export function MoneyCommandStatus({ accepted }: { accepted: Accepted }) {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: ["money-request", accepted.request_id],
    queryFn: () => call<MoneyRequest>("finance", `/v1/money-requests/${encodeURIComponent(accepted.request_id)}`),
    refetchInterval: (q) => (!q.state.data || q.state.data.status === "pending" ? 1000 : false),
  });
  const status = query.data?.status ?? "pending";
  if (status === "pending") {
    return (
      <Alert
        data-testid="money-status"
        type="info"
        showIcon
        icon={<Spin size="small" />}
        message={t.pending}
        description={accepted.request_id}
      />
    );
  }
  if (status === "refused") {
    return <Alert data-testid="money-status" type="error" showIcon message={t.refused} description={query.data?.reason} />;
  }
  return (
    <Alert
      data-testid="money-status"
      type="success"
      showIcon
      message={`${t.settled}（${status}）`}
      description={[...(query.data?.warnings ?? []), ...(query.data?.posting_ids ?? [])].join(" · ")}
    />
  );
}
