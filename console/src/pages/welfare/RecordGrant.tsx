import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Typography,
} from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey } from "../../api/client";
import type { components } from "../../api/welfare";
import type { Grant } from "../../api/welfareRows";
import { GRANT_IN_FLIGHT } from "../../api/welfareRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";
import { GrantStateTag, MemberPicker, useSettled, useWelfareBudget } from "./shared";

type RecordGrantBody = components["schemas"]["RecordGrant"];
type Preview = components["schemas"]["GrantPreview"];
type VisitType = RecordGrantBody["visit_type"];

const enc = encodeURIComponent;
export const VISIT_TYPES: VisitType[] = ["hospitalised", "wedding", "funeral", "childbirth", "retirement", "major_hardship"];

interface Values {
  member_id?: string;
  visit_type?: VisitType;
  occasion_on?: Dayjs;
  occasion_ref?: string;
  money?: number | null;
  goods?: { item?: string; quantity?: number; unit?: string; value?: number }[];
  note?: string;
}

function bodyOf(values: Values): RecordGrantBody | null {
  if (!values.member_id || !values.visit_type || !values.occasion_on) return null;
  const goods = (values.goods ?? []).filter((g) => g?.item && g.quantity && g.unit && g.value);
  return {
    member_id: values.member_id,
    visit_type: values.visit_type,
    occasion_on: values.occasion_on.format("YYYY-MM-DD"),
    occasion_ref: values.occasion_ref ?? "",
    money_fen: toFen(values.money ?? undefined) ?? null,
    goods: goods.map((g) => ({ item: g.item!, quantity: g.quantity!, unit: g.unit!, value_fen: toFen(g.value)! })),
    note: values.note ?? "",
  };
}

/** Record a visit and its grant: the cap, the budget and a duplicate occasion are shown before submitting. */
export function RecordGrant({ org, onRecorded }: { org: string; onRecorded: () => void }) {
  const { t } = useI18n();
  const w = t.welfare;
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Values | undefined;
  const body = useSettled(values ? bodyOf(values) : null);
  const preview = useQuery({
    queryKey: ["grant-preview", org, body],
    queryFn: () => call<Preview>("welfare", `/v1/organizations/${enc(org)}/grants/preview`, { method: "POST", body }),
    enabled: body !== null,
    placeholderData: keepPreviousData, // the query client's retry: a busy moment (5xx) is asked again, a refusal is shown
  });
  const budget = useWelfareBudget(org, values?.occasion_on?.year());
  const [recorded, setRecorded] = useState<Grant | null>(null);
  const record = useMutation({
    mutationFn: (grant: RecordGrantBody) =>
      call<Grant>("welfare", `/v1/organizations/${enc(org)}/grants`, {
        method: "POST",
        body: grant,
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: (grant) => {
      setRecorded(grant);
      form.resetFields();
      onRecorded();
    },
  });

  const shown = body ? preview.data : undefined;
  const overBudget = shown && budget.left !== null && shown.amount_fen > budget.left;
  return (
    <Card title={w.recordVisit} size="small" data-testid="record-grant">
      <Form<Values>
        form={form}
        name="record-grant"
        layout="vertical"
        onFinish={(v) => {
          const grant = bodyOf(v);
          if (grant) record.mutate(grant);
        }}
        onValuesChange={() => record.reset()}
      >
        <Space wrap align="start" size="large">
          <Form.Item name="member_id" label={w.member} rules={[{ required: true, message: t.required }]}>
            <MemberPicker org={org} />
          </Form.Item>
          <Form.Item name="visit_type" label={w.visitType} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              style={{ width: 180 }}
              data-testid="visit-type"
              options={VISIT_TYPES.map((v) => ({ value: v, label: w.visitTypes[v] }))}
            />
          </Form.Item>
          <Form.Item name="occasion_on" label={w.occasionOn} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="occasion-on" />
          </Form.Item>
          <Form.Item name="occasion_ref" label={w.occasionRef} tooltip={w.occasionRefHint}>
            <Input style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="money" label={w.moneyYuan} tooltip={w.moneyHint}>
            <InputNumber min={0} precision={2} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Typography.Text strong>{w.goods}</Typography.Text>
        <Form.List name="goods">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, "item"]} label={`${w.item} ${i + 1}`} rules={[{ required: true, message: t.required }]}>
                    <Input style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "quantity"]} label={w.quantity} rules={[{ required: true, message: t.required }]}>
                    <InputNumber min={1} precision={0} style={{ width: 90 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "unit"]} label={w.unit} rules={[{ required: true, message: t.required }]}>
                    <Input style={{ width: 70 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "value"]} label={w.valueYuan} rules={[{ required: true, message: t.required }]}>
                    <InputNumber min={0.01} precision={2} style={{ width: 120 }} />
                  </Form.Item>
                  <Button type="text" aria-label={`${w.removeGoods} ${i + 1}`} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Form.Item>
                <Button type="dashed" onClick={() => add({ quantity: 1 })} icon={<PlusOutlined />}>
                  {w.addGoods}
                </Button>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={w.note}>
          <Input.TextArea rows={1} maxLength={2000} />
        </Form.Item>

        {body && preview.error ? <ProblemAlert error={preview.error} /> : null}
        {shown && (
          <div data-testid="grant-preview" style={{ marginBottom: 16 }}>
            <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
              <Descriptions.Item label={w.member}>{shown.member_name}</Descriptions.Item>
              <Descriptions.Item label={w.thisGrant}>
                <span data-testid="preview-amount">{yuan(shown.amount_fen)}</span>（{w.money} {yuan(shown.money_fen)} + {w.goods}{" "}
                {yuan(shown.goods_fen)}）
              </Descriptions.Item>
              <Descriptions.Item label={`${shown.year} ${w.grantedThisYear}`}>{yuan(shown.granted_this_year_fen)}</Descriptions.Item>
              <Descriptions.Item label={w.yearlyCap}>{yuan(shown.yearly_cap_fen)}</Descriptions.Item>
              <Descriptions.Item label={w.capLeft}>
                <span data-testid="cap-left">{yuan(shown.cap_left_fen)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={w.budgetLeft}>
                <span data-testid="budget-left">{budget.left === null ? w.noBudget : yuan(budget.left)}</span>
              </Descriptions.Item>
            </Descriptions>
            {shown.cap_refusal && (
              <Alert
                style={{ marginTop: 8 }}
                type="error"
                showIcon
                data-testid="cap-refusal"
                message={w.overCap}
                description={shown.cap_refusal.detail}
              />
            )}
            {overBudget && <Alert style={{ marginTop: 8 }} type="warning" showIcon message={w.overBudget} />}
            {shown.same_occasion.map((g) => (
              <Alert
                key={g.id}
                style={{ marginTop: 8 }}
                type={g.taken ? "error" : "warning"}
                showIcon
                data-testid="same-occasion"
                message={(g.taken ? w.occasionTaken : w.sameOccasionThisYear)
                  .replace("{name}", shown.member_name)
                  .replace("{on}", g.occasion_on)
                  .replace("{ref}", g.occasion_ref || "—")
                  .replace("{amount}", yuan(g.amount_fen))}
              />
            ))}
          </div>
        )}
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="record-grant-submit">
          {w.record}
        </Button>
      </Form>
      {recorded && <RecordedGrant grant={recorded} />}
    </Card>
  );
}

/** The grant just recorded, its state following finance's answer. */
function RecordedGrant({ grant }: { grant: Grant }) {
  const { t } = useI18n();
  const live = useQuery({
    queryKey: ["grant", grant.id],
    queryFn: () => call<Grant>("welfare", `/v1/grants/${enc(grant.id)}`),
    initialData: grant,
    refetchInterval: (q) => (q.state.data && GRANT_IN_FLIGHT.includes(q.state.data.state) ? 1000 : false),
  });
  const g = live.data;
  return (
    <Alert
      style={{ marginTop: 16 }}
      data-testid="recorded-grant"
      type={g.state === "refused" ? "error" : "success"}
      showIcon
      message={
        <Space>
          {t.welfare.recorded}: {g.member_name} · {g.visit_label} · {yuan(g.amount_fen)}
          <GrantStateTag state={g.state} />
        </Space>
      }
      description={g.finance_reason ?? undefined}
    />
  );
}
