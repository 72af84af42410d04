import { useQueries } from "@tanstack/react-query";
import { Space, Spin, Tag, Typography } from "antd";
import { call } from "../../api/client";
import type { Member } from "../../api/members";
import type { FinanceStatus } from "../../api/mutualAidRows";
import { useI18n } from "../../i18n";

const enc = encodeURIComponent;

// Solid colours for the outcomes and antd's blue for the wait: the light presets fall short of
// 4.5:1 contrast for their text (axe: color-contrast).
const FINANCE_COLOURS: Record<string, string> = { pending: "blue", posted: "#237804", refused: "#a8071a" };

/** Finance's answer to a movement: pending (sent), booked, or refused with finance's own reason under it. */
export function FinanceStatusTag({ status, reason }: { status: FinanceStatus | null | undefined; reason?: string | null }) {
  const { t } = useI18n();
  if (!status) return <>—</>;
  return (
    <Space direction="vertical" size={0}>
      <Tag data-testid="finance-status" data-status={status} color={FINANCE_COLOURS[status]}>
        {status === "pending" && <Spin size="small" style={{ marginRight: 4 }} />}
        {t.mutualAid.financeStatuses[status] ?? status}
      </Tag>
      {reason && (
        <Typography.Text style={{ fontSize: 12 }} data-testid="finance-reason">
          {reason}
        </Typography.Text>
      )}
    </Space>
  );
}

/** Members' names by id (membership's member card), for rows that carry only the id. */
export function useMemberNames(ids: (string | null | undefined)[]) {
  const unique = [...new Set(ids.filter((id): id is string => !!id))];
  const found = useQueries({
    queries: unique.map((id) => ({
      queryKey: ["member", id],
      queryFn: () => call<Member>("membership", `/v1/members/${enc(id)}`),
      staleTime: 5 * 60_000,
    })),
  });
  const names = new Map(unique.map((id, i) => [id, found[i]?.data?.display_name]));
  return (id: string | null | undefined) => (id ? names.get(id) ?? "…" : "—");
}

/** A template's {name} placeholders filled in. */
export { fill } from "../../api/streetRows";
