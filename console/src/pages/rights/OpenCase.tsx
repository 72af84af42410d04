import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { OpenRightsCase, RightsCase } from "../../api/streetRows";
import { CLAIM_KINDS } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen } from "../../money";
import { MemberPicker } from "../welfare/shared";
import { useRightsWeeks } from "./RightsWeeksCard";

interface Values {
  employer_name: string;
  employer_credit_code?: string;
  claim_kind: OpenRightsCase["claim_kind"];
  claimed?: number | null;
  accepted_on?: Dayjs;
  deadline_on?: Dayjs | null;
  rights_week?: string;
  rights_week_id?: string;
  members?: { member_id?: string }[];
  others?: { name?: string; phone?: string }[];
  note?: string;
}

function bodyOf(v: Values): OpenRightsCase {
  return {
    employer_name: v.employer_name.trim(),
    employer_credit_code: v.employer_credit_code?.trim() ? v.employer_credit_code.trim().toUpperCase() : null,
    claim_kind: v.claim_kind,
    claimed_fen: toFen(v.claimed ?? undefined) ?? 0,
    accepted_on: v.accepted_on ? v.accepted_on.format("YYYY-MM-DD") : null,
    deadline_on: v.deadline_on ? v.deadline_on.format("YYYY-MM-DD") : null,
    // A week chosen sets the month itself (the service counts the case under the week's month).
    rights_week: v.rights_week_id ? null : v.rights_week?.trim() || null,
    rights_week_id: v.rights_week_id || null,
    workers: [
      ...(v.members ?? []).filter((m) => m?.member_id).map((m) => ({ member_id: m.member_id! })),
      ...(v.others ?? []).filter((o) => o?.name || o?.phone).map((o) => ({ name: o.name!.trim(), phone: o.phone!.trim() })),
    ],
    note: v.note?.trim() ?? "",
  };
}

/** 受理: a case for members (picked from the directory) and non-members (by name and phone). */
export function OpenCase({ org, onClose, onOpened }: { org: string; onClose: () => void; onOpened: (c: RightsCase) => void }) {
  const { t } = useI18n();
  const r = t.rights;
  const keyOf = useRequestKeys();
  const [noWorker, setNoWorker] = useState(false);
  const [form] = Form.useForm<Values>();
  const atWeek = Form.useWatch("rights_week_id", form);
  const weeks = useRightsWeeks(org);
  const open = useMutation({
    mutationFn: (body: OpenRightsCase) =>
      call<RightsCase>("welfare", `/v1/organizations/${encodeURIComponent(org)}/rights-cases`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onOpened,
  });
  return (
    <Modal open width={760} title={r.openCase} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        form={form}
        layout="vertical"
        name="open-rights-case"
        data-testid="open-case-form"
        initialValues={{ claim_kind: "wage_arrears", members: [], others: [] }}
        onValuesChange={(changed) => {
          open.reset();
          setNoWorker(false);
          if (changed.rights_week_id) form.setFieldValue("rights_week", undefined);
        }}
        onFinish={(v) => {
          const body = bodyOf(v);
          if (body.workers.length === 0) setNoWorker(true);
          else open.mutate(body);
        }}
      >
        <Space wrap align="start" size="large">
          <Form.Item name="employer_name" label={r.employer} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 300 }} />
          </Form.Item>
          <Form.Item
            name="employer_credit_code"
            label={r.employerCode}
            rules={[{ pattern: /^\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}\s*$/, message: t.enterprises.creditCodeShape }]}
          >
            <Input maxLength={20} style={{ width: 220 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start" size="large">
          <Form.Item name="claim_kind" label={r.claimKind} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="claim-kind"
              style={{ width: 180 }}
              options={CLAIM_KINDS.map((k) => ({ value: k, label: r.claimKinds[k] }))}
            />
          </Form.Item>
          <Form.Item name="claimed" label={r.claimedYuan} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="accepted_on" label={r.acceptedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="accepted-on" />
          </Form.Item>
          <Form.Item name="deadline_on" label={r.deadline} tooltip={r.deadlineHint}>
            <DatePicker data-testid="case-deadline" />
          </Form.Item>
        </Space>
        <Space wrap align="start" size="large">
          <Form.Item name="rights_week_id" label={t.rightsWeeks.openedAt} tooltip={t.rightsWeeks.openedAtHint}>
            <FormSelect
              data-testid="case-rights-week"
              allowClear
              style={{ width: 320 }}
              loading={weeks.isLoading}
              options={(weeks.data ?? [])
                .filter((w) => !w.cancelled)
                .map((w) => ({ value: w.activity_id, label: `${w.title}（${w.starts_on} ~ ${w.ends_on}）` }))}
            />
          </Form.Item>
          <Form.Item name="rights_week" label={r.rightsWeek} rules={[{ pattern: /^\s*\d{4}-(0[1-9]|1[0-2])\s*$/, message: r.rightsWeekShape }]}>
            <Input style={{ width: 120 }} placeholder="2026-11" disabled={Boolean(atWeek)} />
          </Form.Item>
        </Space>
        <Typography.Text strong>{r.members}</Typography.Text>
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, "member_id"]} label={`${r.members} ${i + 1}`} rules={[{ required: true, message: t.required }]}>
                    <MemberPicker org={org} />
                  </Form.Item>
                  <Button type="text" aria-label={`${r.removeWorker} ${r.members} ${i + 1}`} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Form.Item>
                <Button type="dashed" onClick={() => add({})} icon={<PlusOutlined />} data-testid="add-member">
                  {r.addMember}
                </Button>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Typography.Text strong>{r.nonMembers}</Typography.Text>
        <Form.List name="others">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item
                    name={[field.name, "name"]}
                    label={`${r.workerName} ${i + 1}`}
                    rules={[{ required: true, whitespace: true, message: t.required }]}
                  >
                    <Input maxLength={200} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, "phone"]}
                    label={`${r.phone} ${i + 1}`}
                    rules={[
                      { required: true, message: t.required },
                      { pattern: /^\s*\+?[0-9][0-9 -]{4,19}\s*$/, message: r.phone },
                    ]}
                  >
                    <Input maxLength={20} style={{ width: 160 }} />
                  </Form.Item>
                  <Button type="text" aria-label={`${r.removeWorker} ${r.nonMembers} ${i + 1}`} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                </Space>
              ))}
              <Form.Item>
                <Button type="dashed" onClick={() => add({})} icon={<PlusOutlined />} data-testid="add-non-member">
                  {r.addNonMember}
                </Button>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={r.note}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {noWorker && <Typography.Paragraph type="danger">{r.needWorker}</Typography.Paragraph>}
        {open.error ? <ProblemAlert error={open.error} /> : null}
        <Button type="primary" htmlType="submit" loading={open.isPending} data-testid="open-case-submit" style={{ marginTop: 8 }}>
          {r.openCase}
        </Button>
      </Form>
    </Modal>
  );
}
