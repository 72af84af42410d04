import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import type { OrganizationKind, OutsideGrant, RecordOutsideGrant } from "../../api/helpRows";
import { ID_NUMBER, ORGANIZATION_KINDS, PHONE } from "../../api/helpRows";
import { useRequestKeys } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";

interface Values {
  kind: "person" | "organization";
  name: string;
  phone?: string;
  id_number?: string;
  recipient_note?: string;
  organization_kind?: OrganizationKind;
  headcount?: number | null;
  purpose: string;
  given_on?: Dayjs | null;
  money?: number | null;
  goods?: { item?: string; quantity?: number; unit?: string; value?: number }[];
  note?: string;
}

function bodyOf(v: Values): RecordOutsideGrant {
  const person = v.kind === "person";
  return {
    recipient: {
      kind: v.kind,
      name: v.name.trim(),
      // A person's phone and ID number, an organization's kind and headcount: never the other's.
      phone: person && v.phone?.trim() ? v.phone.trim() : null,
      id_number: person && v.id_number?.trim() ? v.id_number.trim().toUpperCase() : null,
      note: v.recipient_note?.trim() ?? "",
      organization_kind: person ? null : (v.organization_kind ?? null),
      headcount: person ? null : (v.headcount ?? null),
    },
    purpose: v.purpose.trim(),
    given_on: v.given_on ? v.given_on.format("YYYY-MM-DD") : null,
    money_fen: toFen(v.money ?? undefined) ?? 0,
    goods: (v.goods ?? [])
      .filter((g) => g?.item && g.quantity && g.unit && g.value)
      .map((g) => ({ item: g.item!.trim(), quantity: g.quantity!, unit: g.unit!.trim(), value_fen: toFen(g.value)! })),
    note: v.note?.trim() ?? "",
  };
}

/** 登记帮扶: a person who is not a member, or an organization (村小, 农民工群体 …); money, goods at value, or both. */
export function RecordOutside({ org, onClose, onRecorded }: { org: string; onClose: () => void; onRecorded: (g: OutsideGrant) => void }) {
  const { t } = useI18n();
  const h = t.help;
  const w = t.welfare;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("kind", form) ?? "organization";
  const money = Form.useWatch("money", form);
  const goods = Form.useWatch("goods", form);
  const [noAmount, setNoAmount] = useState(false);
  const record = useMutation({
    mutationFn: (body: RecordOutsideGrant) =>
      call<OutsideGrant>("welfare", `/v1/organizations/${encodeURIComponent(org)}/outside-grants`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onRecorded,
  });
  const totalFen =
    (toFen(money ?? undefined) ?? 0) + (goods ?? []).reduce((sum, g) => sum + (toFen(g?.value ?? undefined) ?? 0), 0);
  return (
    <Modal open width={820} title={h.record} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        form={form}
        layout="vertical"
        name="record-outside"
        data-testid="record-outside-form"
        initialValues={{ kind: "organization", purpose: "送温暖", goods: [] }}
        onValuesChange={() => {
          record.reset();
          setNoAmount(false);
        }}
        onFinish={(v) => {
          const body = bodyOf(v);
          if (body.money_fen === 0 && (body.goods ?? []).length === 0) setNoAmount(true);
          else record.mutate(body);
        }}
      >
        <Form.Item name="kind" label={h.recipientKind}>
          <Radio.Group
            data-testid="recipient-kind"
            options={(["organization", "person"] as const).map((k) => ({ value: k, label: h.recipientKinds[k] }))}
          />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item
            name="name"
            label={kind === "person" ? h.personName : h.organizationName}
            rules={[{ required: true, whitespace: true, message: t.required }]}
          >
            <Input maxLength={200} style={{ width: 240 }} />
          </Form.Item>
          {kind === "organization" ? (
            <>
              <Form.Item name="organization_kind" label={h.organizationKind} rules={[{ required: true, message: t.required }]}>
                <FormSelect
                  data-testid="organization-kind"
                  style={{ width: 160 }}
                  options={ORGANIZATION_KINDS.map((k) => ({ value: k, label: h.organizationKinds[k] }))}
                />
              </Form.Item>
              <Form.Item name="headcount" label={h.headcount} rules={[{ required: true, message: t.required }]}>
                <InputNumber min={1} max={10_000_000} precision={0} style={{ width: 120 }} />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item name="phone" label={h.phone} rules={[{ pattern: PHONE, message: h.phoneShape }]}>
                <Input maxLength={20} style={{ width: 160 }} />
              </Form.Item>
              <Form.Item name="id_number" label={h.idNumber} rules={[{ pattern: ID_NUMBER, message: h.idNumberShape }]}>
                <Input maxLength={18} style={{ width: 200 }} />
              </Form.Item>
            </>
          )}
          <Form.Item name="recipient_note" label={h.recipientNote} tooltip={h.recipientNoteHint}>
            <Input maxLength={200} style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start" size="large">
          <Form.Item name="purpose" label={h.purpose} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="given_on" label={h.givenOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="given-on" />
          </Form.Item>
          <Form.Item name="money" label={h.moneyYuan}>
            <InputNumber min={0} precision={2} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Typography.Paragraph strong style={{ marginBottom: 8 }}>
          {h.goods}
        </Typography.Paragraph>
        <Form.List name="goods">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, "item"]} label={`${w.item} ${i + 1}`} rules={[{ required: true, whitespace: true, message: t.required }]}>
                    <Input maxLength={200} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "quantity"]} label={`${w.quantity} ${i + 1}`} rules={[{ required: true, message: t.required }]}>
                    <InputNumber min={1} precision={0} style={{ width: 90 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "unit"]} label={`${w.unit} ${i + 1}`} rules={[{ required: true, whitespace: true, message: t.required }]}>
                    <Input maxLength={20} style={{ width: 70 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "value"]} label={`${w.valueYuan} ${i + 1}`} rules={[{ required: true, message: t.required }]}>
                    <InputNumber min={0.01} precision={2} style={{ width: 120 }} />
                  </Form.Item>
                  <Button type="text" aria-label={`${w.removeGoods} ${i + 1}`} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Form.Item>
                <Button type="dashed" onClick={() => add({ quantity: 1 })} icon={<PlusOutlined />} data-testid="add-goods">
                  {w.addGoods}
                </Button>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={w.note}>
          <Input.TextArea rows={1} maxLength={2000} />
        </Form.Item>
        <Typography.Paragraph>
          {h.total}：<span data-testid="outside-total">{yuan(totalFen)}</span>
        </Typography.Paragraph>
        {noAmount && <Typography.Paragraph type="danger">{h.needAmount}</Typography.Paragraph>}
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="record-outside-submit">
          {h.record}
        </Button>
      </Form>
    </Modal>
  );
}
