import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Form, Input, Modal, Popconfirm, Space, Statistic, Table, Tag } from "antd";
import { useState } from "react";
import { call, url as apiUrl } from "../../api/client";
import type { AssessEthics, EthicsList, EthicsRow } from "../../api/evaluationsRows";
import { ETHICS_NEEDS_NOTE, ETHICS_RESULTS, EVALUATION_OFFICERS } from "../../api/evaluationsRows";
import { useRequestKeys } from "../../api/members";
import { DownloadButton } from "../../components/DownloadButton";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

/** The school's 师德 list of the year: every active member with their result; assessed here, then submitted to the county. */
export function EthicsTab({ org, year, school }: { org: string; year: number; school: boolean }) {
  const e = useI18n().t.evaluations;
  const { claims } = useSession();
  const client = useQueryClient();
  const keyOf = useRequestKeys();
  const path = `/v1/organizations/${encodeURIComponent(org)}/ethics-assessments`;
  const list = useQuery({
    queryKey: ["ethics", org, year],
    queryFn: () => call<EthicsList>("events", path, { query: { year } }),
    enabled: school,
  });
  const [assessing, setAssessing] = useState<EthicsRow | null>(null);
  const submit = useMutation({
    mutationFn: () =>
      call<EthicsList>("events", `/v1/organizations/${encodeURIComponent(org)}/ethics-submissions`, {
        method: "POST",
        body: { year },
        idempotencyKey: keyOf({ org, year, submit: true }),
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["ethics"] }),
  });
  if (!school) return <Alert type="info" showIcon message={e.chooseSchool} />;
  const officer = EVALUATION_OFFICERS.includes(claims.role);
  const data = list.data;
  const open = officer && data && !data.submitted_at;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {data && (
        <Space wrap size="large" data-testid="ethics-summary">
          <Statistic title={e.members} value={data.summary.members} />
          {ETHICS_RESULTS.map((r) => (
            <Statistic key={r} title={r} value={data.summary.counts[r] ?? 0} />
          ))}
          <Statistic
            title={e.notAssessed}
            value={data.summary.not_assessed}
            valueRender={(node) => <span data-testid="ethics-not-assessed">{node}</span>}
          />
        </Space>
      )}
      <Space wrap>
        {data?.submitted_at ? (
          <Tag color="blue" data-testid="ethics-submitted">
            {e.ethicsSubmitted.replace("{year}", String(year)).replace("{at}", data.submitted_at.slice(0, 10))}
          </Tag>
        ) : null}
        {open && (
          <Popconfirm title={e.submitEthicsConfirm} onConfirm={() => submit.mutate()}>
            <Button type="primary" data-testid="ethics-submit" loading={submit.isPending}>
              {e.submitEthics}
            </Button>
          </Popconfirm>
        )}
        <DownloadButton
          data-testid="ethics-xlsx"
          url={apiUrl("events", path, { year, format: "xlsx" })}
          filename={`ethics-${org}-${year}.xlsx`}
          label={e.download}
        />
      </Space>
      {submit.error ? <ProblemAlert error={submit.error} /> : null}
      <Table<EthicsRow>
        data-testid="ethics-table"
        rowKey="member_id"
        size="small"
        loading={list.isFetching}
        dataSource={data?.members ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(row) => ({ "data-member": row.display_name }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: e.member, dataIndex: "display_name" },
          {
            title: e.result,
            dataIndex: "result",
            width: 120,
            render: (v: string | null) => <span data-testid="ethics-result">{v ?? e.notAssessed}</span>,
          },
          { title: e.note, dataIndex: "note" },
          ...(open
            ? [
                {
                  title: e.actions,
                  width: 100,
                  render: (_: unknown, r: EthicsRow) => (
                    <Button size="small" data-testid="ethics-assess" onClick={() => setAssessing(r)}>
                      {e.assess}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {assessing && (
        <AssessModal
          org={org}
          year={year}
          row={assessing}
          onClose={() => setAssessing(null)}
          onDone={() => {
            setAssessing(null);
            void client.invalidateQueries({ queryKey: ["ethics"] });
          }}
        />
      )}
    </Space>
  );
}

function AssessModal({
  org,
  year,
  row,
  onClose,
  onDone,
}: {
  org: string;
  year: number;
  row: EthicsRow;
  onClose: () => void;
  onDone: () => void;
}) {
  const e = useI18n().t.evaluations;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<{ result: AssessEthics["result"]; note?: string }>();
  const result = Form.useWatch("result", form);
  const assess = useMutation({
    mutationFn: (body: AssessEthics) =>
      call("events", `/v1/organizations/${encodeURIComponent(org)}/ethics-assessments`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onDone,
  });
  return (
    <Modal open title={`${e.assess}：${row.display_name}`} footer={null} onCancel={onClose} destroyOnClose>
      <Form
        form={form}
        layout="vertical"
        name="assess-ethics"
        initialValues={{ result: row.result ?? "合格", note: row.note }}
        onValuesChange={() => assess.reset()}
        onFinish={(v) => assess.mutate({ member_id: row.member_id, year, result: v.result, note: v.note?.trim() || null })}
      >
        <Form.Item name="result" label={e.result} rules={[{ required: true, message: e.required }]}>
          <FormSelect data-testid="ethics-result-select" options={ETHICS_RESULTS.map((r) => ({ value: r, label: r }))} />
        </Form.Item>
        <Form.Item
          name="note"
          label={e.note}
          rules={[{ required: ETHICS_NEEDS_NOTE.includes(result ?? ""), whitespace: true, message: e.noteRequired }]}
        >
          <Input.TextArea rows={3} maxLength={1000} data-testid="ethics-note" />
        </Form.Item>
        {assess.error ? <ProblemAlert error={assess.error} /> : null}
        <Button type="primary" htmlType="submit" loading={assess.isPending} data-testid="ethics-assess-submit">
          {e.assess}
        </Button>
      </Form>
    </Modal>
  );
}
