import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import { shanghaiToday } from "../../api/streetRows";
import type { DesignateJointUnion, JointUnion, UnionForm } from "../../api/workersRows";
import { UNION_FORMS } from "../../api/workersRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { UnionPicker } from "../members/UnionPicker";

const enc = encodeURIComponent;

export function useJointUnions(org: string) {
  return useQuery({
    queryKey: ["joint-unions", org],
    queryFn: () => call<JointUnion[]>("membership", `/v1/organizations/${enc(org)}/joint-unions`),
  });
}

/** The joint and trade unions of the subtree, by name; a federation admin designates one. */
export function JointUnionsTab({ org, mayDesignate }: { org: string; mayDesignate: boolean }) {
  const { t } = useI18n();
  const w = t.workers;
  const { nameOf } = useOrganizationNames();
  const unions = useJointUnions(org);
  const [designating, setDesignating] = useState(false);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {mayDesignate && (
        <Button type="primary" data-testid="open-designate" onClick={() => setDesignating(true)}>
          {w.designate}
        </Button>
      )}
      {unions.error ? <ProblemAlert error={unions.error} /> : null}
      <Table<JointUnion>
        data-testid="joint-unions"
        rowKey="organization_id"
        size="small"
        loading={unions.isLoading}
        dataSource={unions.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Typography.Text type="secondary">{w.noUnions}</Typography.Text> }}
        columns={[
          { title: w.union, key: "name", render: (_, j) => nameOf(j.organization_id) },
          {
            title: w.unionForm,
            dataIndex: "form",
            render: (f: string) => <Tag color={f === "trade" ? "geekblue" : "purple"}>{w.unionForms[f] ?? f}</Tag>,
          },
          { title: w.trade, dataIndex: "trade", render: (x: string | null) => x ?? "—" },
          { title: w.designatedOn, dataIndex: "designated_on", width: 120 },
        ]}
      />
      {designating && <DesignateForm org={org} onClose={() => setDesignating(false)} />}
    </Space>
  );
}

interface Values {
  union: string;
  form: UnionForm;
  trade?: string;
  designated_on: Dayjs;
}

function DesignateForm({ org, onClose }: { org: string; onClose: () => void }) {
  const { t } = useI18n();
  const w = t.workers;
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("form", form);
  const designate = useMutation({
    mutationFn: ({ union, body }: { union: string; body: DesignateJointUnion }) =>
      call<JointUnion>("membership", `/v1/organizations/${enc(union)}/joint-union`, {
        method: "PUT",
        body,
        idempotencyKey: keyOf({ union, body }),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["joint-unions", org] });
      onClose();
    },
  });
  return (
    <Modal open title={w.designate} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        form={form}
        layout="vertical"
        name="designate-joint-union"
        data-testid="designate-form"
        initialValues={{ form: "joint", designated_on: dayjs(shanghaiToday()) }}
        onValuesChange={() => designate.reset()}
        onFinish={(v) =>
          designate.mutate({
            union: v.union,
            body: {
              form: v.form,
              trade: v.form === "trade" ? (v.trade ?? "").trim() || null : null,
              designated_on: v.designated_on.format("YYYY-MM-DD"),
            },
          })
        }
      >
        <Form.Item name="union" label={w.union} rules={[{ required: true, message: t.required }]}>
          <UnionPicker />
        </Form.Item>
        <Form.Item name="form" label={w.unionForm} rules={[{ required: true, message: t.required }]}>
          <FormSelect data-testid="designate-kind" options={UNION_FORMS.map((f) => ({ value: f, label: w.unionForms[f] }))} />
        </Form.Item>
        {kind === "trade" && (
          <Form.Item name="trade" label={w.trade} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={100} placeholder={w.tradeHint} />
          </Form.Item>
        )}
        <Form.Item name="designated_on" label={w.designatedOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="designated-on" />
        </Form.Item>
        {designate.error ? <ProblemAlert error={designate.error} /> : null}
        <Button type="primary" htmlType="submit" loading={designate.isPending} data-testid="designate-submit">
          {w.designateSubmit}
        </Button>
      </Form>
    </Modal>
  );
}
