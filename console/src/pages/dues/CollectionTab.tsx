import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Descriptions, Form, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { UnionPicker } from "../members/UnionPicker";
import { recentMonths, type DuesCollection, type DuesOfMonth, type MemberDues, type NotCollected } from "./shared";

interface Chosen {
  union: string;
  period: string;
}

const OUTCOME_COLORS: Record<string, string> = { due: "#237804", exempt: "#0050b3" };

/** A union's month: the preview (who owes what, who is exempt) first, then the collection and its result. */
export function CollectionTab({ org, mayCollect }: { org: string; mayCollect: boolean }) {
  const { t } = useI18n();
  const d = t.duesDesk;
  const { nameOf, organizations } = useOrganizationNames();
  const here = organizations.find((o) => o.id === org);
  const [chosen, setChosen] = useState<Chosen>();
  const [result, setResult] = useState<DuesCollection>();
  const queryClient = useQueryClient();
  const keyFor = useRequestKeys();
  const path = (union: string, what: string) => `/v1/organizations/${encodeURIComponent(union)}/${what}`;

  const preview = useQuery({
    queryKey: ["dues-month", chosen?.union, chosen?.period],
    queryFn: () => call<DuesOfMonth>("membership", path(chosen!.union, "dues"), { query: { period: chosen!.period } }),
    enabled: !!chosen,
  });
  const collect = useMutation({
    mutationFn: (c: Chosen) =>
      call<DuesCollection>("membership", path(c.union, "dues-collections"), {
        method: "POST",
        body: { period: c.period },
        // One key per preview seen: a double click collects once; a later run asks anew.
        idempotencyKey: keyFor([c, preview.dataUpdatedAt]),
      }),
    onSuccess: (answer) => {
      setResult(answer);
      void queryClient.invalidateQueries({ queryKey: ["dues-month"] });
      void queryClient.invalidateQueries({ queryKey: ["dues-arrears"] });
    },
  });

  const summary = preview.data?.summary;
  return (
    <div data-testid="dues-collection">
      <Form<Chosen>
        name="duesMonth"
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        initialValues={{ union: here && here.kind !== "federation" ? org : undefined, period: recentMonths()[0] }}
        onFinish={(values) => {
          setResult(undefined);
          collect.reset();
          setChosen(values);
        }}
      >
        <Form.Item
          name="union"
          label={d.union}
          style={{ width: 360 }}
          rules={[{ required: true, message: d.required(d.union) }]}
        >
          <UnionPicker />
        </Form.Item>
        <Form.Item name="period" label={d.month} rules={[{ required: true, message: d.required(d.month) }]}>
          <FormSelect style={{ width: 120 }} options={recentMonths().map((p) => ({ value: p, label: p }))} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" data-testid="dues-preview">
            {d.preview}
          </Button>
        </Form.Item>
      </Form>

      {preview.error && <ProblemAlert error={preview.error} />}
      {chosen && summary && (
        <>
          <Descriptions
            bordered
            size="small"
            column={3}
            data-testid="dues-summary"
            title={d.previewTitle(nameOf(chosen.union), chosen.period)}
            items={[
              { key: "members", label: d.members, children: <span data-testid="summary-members">{summary.members}</span> },
              { key: "to_collect", label: d.toCollect, children: <span data-testid="summary-to-collect">{summary.to_collect}</span> },
              {
                key: "total",
                label: d.toCollectTotal,
                children: <span data-testid="summary-total">{yuan(summary.to_collect_total_fen)}</span>,
              },
              { key: "paid", label: d.alreadyPaid, children: <span data-testid="summary-paid">{summary.already_paid}</span> },
              { key: "exempt", label: d.exempt, children: <span data-testid="summary-exempt">{summary.exempt}</span> },
              { key: "not", label: d.notCollected, children: summary.not_collected },
            ]}
          />
          <Space style={{ margin: "16px 0" }}>
            {mayCollect ? (
              <Button
                type="primary"
                data-testid="dues-run"
                disabled={summary.to_collect === 0}
                loading={collect.isPending}
                onClick={() => collect.mutate(chosen)}
              >
                {summary.to_collect === 0 ? d.nothingToCollect : d.run(summary.to_collect, yuan(summary.to_collect_total_fen))}
              </Button>
            ) : (
              <Typography.Text>{d.readOnly}</Typography.Text>
            )}
          </Space>
        </>
      )}
      {collect.error && <ProblemAlert error={collect.error} />}
      {result && <CollectionResult result={result} />}
      {chosen && (
        <Table<MemberDues>
          data-testid="dues-members"
          rowKey="member_id"
          size="small"
          loading={preview.isFetching}
          dataSource={preview.data?.members}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: d.name, dataIndex: "display_name" },
            { title: d.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            {
              title: d.outcome,
              dataIndex: "outcome",
              render: (o: string) => <Tag color={OUTCOME_COLORS[o]}>{d.outcomes[o] ?? o}</Tag>,
            },
            { title: d.amount, dataIndex: "amount_fen", align: "right", render: (fen: number | null) => yuan(fen) },
            { title: d.paid, dataIndex: "paid", render: (paid: boolean) => (paid ? "✓" : "") },
          ]}
        />
      )}
    </div>
  );
}

function CollectionResult({ result }: { result: DuesCollection }) {
  const { t } = useI18n();
  const d = t.duesDesk;
  return (
    <div data-testid="dues-result" style={{ marginBottom: 16 }}>
      <Alert
        type="success"
        showIcon
        message={d.ran(result.period)}
        description={
          <Space size="large" wrap>
            <span>
              {d.collected}: <b data-testid="result-collected">{result.collected}</b>
            </span>
            <span>
              {d.collectedTotal}: <b data-testid="result-total">{yuan(result.collected_total_fen)}</b>
            </span>
            <span>
              {d.alreadyPaid}: <b data-testid="result-paid">{result.already_paid}</b>
            </span>
            <span>
              {d.notCollected}: <b>{result.not_collected}</b>
            </span>
          </Space>
        }
      />
      {result.not_collected_members.length > 0 && (
        <Table<NotCollected>
          style={{ marginTop: 8 }}
          title={() => d.notCollectedList}
          rowKey="member_id"
          size="small"
          dataSource={result.not_collected_members}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: d.name, dataIndex: "display_name" },
            { title: d.outcome, dataIndex: "outcome", render: (o: string) => d.outcomes[o] ?? o },
            { title: d.reason, dataIndex: "reason" },
          ]}
        />
      )}
    </div>
  );
}
