import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, DatePicker, Form, Input, InputNumber, Space, Table, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import type { PointsTable, PublishPointsTable } from "../../api/infoRows";
import { useRequestKeys } from "../../api/members";
import { shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

interface Values {
  effective_from?: Dayjs | null;
  county: number;
  city: number;
  province: number;
  note?: string;
}

/** The federation's points table, every version; its admin publishes the next one. */
export function PointsTab({ federation }: { federation: string }) {
  const { t } = useI18n();
  const s = t.info;
  const { claims } = useSession();
  const client = useQueryClient();
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<Values>();
  const path = `/v1/federations/${encodeURIComponent(federation)}/info-points-tables`;
  const tables = useQuery({ queryKey: ["info-points", federation], queryFn: () => call<PointsTable[]>("events", path) });
  const publishes = claims.role === "federation_admin" && claims.org === federation;
  const publish = useMutation({
    mutationFn: (body: PublishPointsTable) => call<PointsTable>("events", path, { method: "POST", body, idempotencyKey: keyOf(body) }),
    onSuccess: () => {
      form.resetFields();
      void client.invalidateQueries({ queryKey: ["info-points"] });
    },
  });
  const rows = [...(tables.data ?? [])].reverse();
  const today = dayjs(shanghaiToday());
  const ascending = ({ getFieldValue }: { getFieldValue: (n: string) => number | undefined }) => ({
    validator: () => {
      const [a, b, c] = ["county", "city", "province"].map((n) => getFieldValue(n));
      return a !== undefined && b !== undefined && c !== undefined && (a > b || b > c) ? Promise.reject(new Error(s.notAscending)) : Promise.resolve();
    },
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large" data-testid="info-points">
      <Typography.Paragraph type="secondary">{s.pointsHint}</Typography.Paragraph>
      {tables.error ? (
        <ProblemAlert error={tables.error} />
      ) : (
        <Table<PointsTable>
          data-testid="info-points-table"
          rowKey="version"
          size="small"
          pagination={false}
          loading={tables.isFetching}
          dataSource={rows}
          columns={[
            { title: s.version, dataIndex: "version", width: 70, render: (v: number) => `${s.versionPrefix}${v}` },
            { title: s.effectiveFrom, dataIndex: "effective_from", width: 120 },
            ...(["county", "city", "province"] as const).map((l) => ({
              title: s.levels[l],
              dataIndex: l,
              align: "right" as const,
              width: 80,
              render: (n: number) => <span data-testid={`points-${l}`}>{n}</span>,
            })),
            { title: s.note, dataIndex: "note", render: (n: string) => n || "—" },
            { title: s.publishedBy, dataIndex: "published_by" },
          ]}
        />
      )}
      {publishes && (
        <Card size="small" title={s.publish}>
          <Form<Values>
            form={form}
            name="info-points-publish"
            data-testid="info-points-form"
            layout="inline"
            style={{ rowGap: 8 }}
            initialValues={{ county: 1, city: 3, province: 5 }}
            onValuesChange={() => publish.reset()}
            onFinish={(v) =>
              publish.mutate({
                effective_from: v.effective_from ? v.effective_from.format("YYYY-MM-DD") : null,
                county: v.county,
                city: v.city,
                province: v.province,
                note: v.note?.trim() ?? "",
              })
            }
          >
            <Form.Item name="effective_from" label={s.effectiveFrom} tooltip={t.todayIfBlank}>
              <DatePicker disabledDate={(d) => !!tables.data?.length && d.isBefore(today, "day")} />
            </Form.Item>
            {(["county", "city", "province"] as const).map((l) => (
              <Form.Item key={l} name={l} label={s.levels[l]} dependencies={["county", "city", "province"]} rules={[{ required: true, message: t.required }, ascending]}>
                <InputNumber min={0} max={100} precision={0} style={{ width: 80 }} />
              </Form.Item>
            ))}
            <Form.Item name="note" label={s.note}>
              <Input maxLength={500} style={{ width: 220 }} />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={publish.isPending} data-testid="info-points-publish">
                {s.publish}
              </Button>
            </Form.Item>
          </Form>
          {publish.error ? <ProblemAlert error={publish.error} /> : null}
        </Card>
      )}
    </Space>
  );
}
