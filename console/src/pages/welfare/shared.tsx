import { useQuery } from "@tanstack/react-query";
import { Form, Radio, Select, Spin, Tag } from "antd";
import { useEffect, useMemo, useState } from "react";
import type { Budget } from "../../api/budgets";
import { call } from "../../api/client";
import type { components as membership } from "../../api/membership";
import type { GrantState } from "../../api/welfareRows";
import { GRANT_IN_FLIGHT } from "../../api/welfareRows";
import { FormCheckboxGroup } from "../../components/FormControls";
import { useI18n } from "../../i18n";
import { useSubtree } from "../../scope";

type Member = membership["schemas"]["MemberOut"];
type MemberPage = membership["schemas"]["Page_MemberOut_"];

const enc = encodeURIComponent;
// Finance's welfare-expense account: the budget line grants and greetings are reserved against.
export const WELFARE_ACCOUNT = "5101";

/** A member chosen by name (membership's member search): names and unions shown, never ids. */
export function MemberPicker({
  org,
  id,
  value,
  onChange,
}: {
  org: string;
  id?: string;
  value?: string;
  onChange?: (memberId: string, member: Member) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const subtree = useSubtree();
  const unionName = useMemo(() => new Map((subtree.data ?? []).map((o) => [o.id, o.name])), [subtree.data]);
  const search = useQuery({
    queryKey: ["member-search", org, name],
    queryFn: () =>
      call<MemberPage>("membership", `/v1/organizations/${enc(org)}/members`, {
        query: { name: name || undefined, status: "active", limit: 20 },
      }),
    enabled: name.length > 0,
    staleTime: 30_000,
  });
  const [chosen, setChosen] = useState<Member | null>(null);
  // The chosen member stays among the options whatever is typed next, so the field shows a name, never an id.
  const found = search.data?.items ?? [];
  const members = chosen && !found.some((m) => m.id === chosen.id) ? [chosen, ...found] : found;
  return (
    <Select
      id={id}
      data-testid="member-picker"
      showSearch
      value={value}
      placeholder={t.welfare.searchMember}
      filterOption={false}
      onSearch={setName}
      notFoundContent={search.isFetching ? <Spin size="small" /> : null}
      onChange={(memberId: string) => {
        const member = members.find((m) => m.id === memberId)!;
        setChosen(member);
        onChange?.(memberId, member);
      }}
      options={members.map((m) => ({
        value: m.id,
        label: `${m.display_name}（${unionName.get(m.organization_id) ?? t.welfare.otherUnion}）`,
      }))}
      style={{ width: 320 }}
    />
  );
}

/** What the organization's welfare budget of a year has left (amount − spent − reserved), or null when none is set. */
export function useWelfareBudget(org: string, year: number | undefined) {
  const query = useQuery({
    queryKey: ["budgets", org],
    queryFn: () => call<Budget[]>("finance", `/v1/organizations/${enc(org)}/budgets`),
  });
  const row = query.data?.find((b) => b.fiscal_year === year && b.category_account === WELFARE_ACCOUNT) ?? null;
  return {
    query,
    row,
    left: row ? row.amount_fen - row.spent_fen - row.reserved_fen : null,
  };
}

// Solid colours for the outcomes and antd's blue for the rest: the light "success" and
// "processing" presets fall short of 4.5:1 contrast for their text (axe: color-contrast).
const STATE_COLOURS: Record<GrantState, string> = {
  awaiting_finance: "blue",
  reserved: "blue",
  approved_awaiting_payment: "blue",
  paying: "blue",
  paid: "#237804",
  refused: "#a8071a",
  cancelling: "blue",
  cancelled: "default",
};

export function GrantStateTag({ state }: { state: GrantState }) {
  const { t } = useI18n();
  return (
    <Tag data-testid="grant-state" data-state={state} color={STATE_COLOURS[state]}>
      {GRANT_IN_FLIGHT.includes(state) && <Spin size="small" style={{ marginRight: 4 }} />}
      {t.welfare.grantStates[state]}
    </Tag>
  );
}

/** The same value a little later, once it stopped changing (compared as JSON): the preview is not asked at every keystroke. */
export function useSettled<T>(value: T, ms = 400): T {
  const [settled, setSettled] = useState(value);
  const key = JSON.stringify(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [key, ms]); // eslint-disable-line react-hooks/exhaustive-deps
  return settled;
}

/** Who a greeting or a campaign reaches: the `gender` ("" for everyone) and `statuses` fields of its form. */
export function EligibilityFields() {
  const { t } = useI18n();
  const w = t.welfare;
  return (
    <>
      <Form.Item name="gender" label={w.gender}>
        <Radio.Group
          options={[
            { value: "", label: w.everyone },
            { value: "female", label: w.women },
            { value: "male", label: w.men },
          ]}
        />
      </Form.Item>
      <Form.Item name="statuses" label={w.memberStatuses} rules={[{ required: true, message: t.required }]}>
        <FormCheckboxGroup
          options={[
            { value: "active", label: w.active },
            { value: "retired", label: w.retired },
          ]}
        />
      </Form.Item>
    </>
  );
}
