import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo } from "react";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { JobPlacement, RecordJobPlacement } from "../../api/skillsRows";
import { shanghaiToday } from "../../api/streetRows";
import { FormSelect, FormTreeSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { scopeTree, useSubtree } from "../../scope";
import { useTrainings } from "./shared";

interface Values {
  organization_id: string;
  employer: string;
  people: number;
  members?: number | null;
  placed_on?: Dayjs | null;
  training_activity_id?: string;
  note?: string;
}

/** 再就业帮扶: the people a union (or the federation itself) helped into work with one employer, counted. */
export function RecordPlacement({ org, onClose, onRecorded }: { org: string; onClose: () => void; onRecorded: (p: JobPlacement) => void }) {
  const { t } = useI18n();
  const s = t.skills;
  const keyOf = useRequestKeys();
  const subtree = useSubtree();
  const tree = useMemo(() => scopeTree(subtree.data ?? []), [subtree.data]);
  const trainings = useTrainings(org);
  const today = dayjs(shanghaiToday());
  const record = useMutation({
    mutationFn: ({ union, body }: { union: string; body: RecordJobPlacement }) =>
      call<JobPlacement>("events", `/v1/organizations/${encodeURIComponent(union)}/job-placements`, {
        method: "POST",
        body,
        idempotencyKey: keyOf({ union, body }),
      }),
    onSuccess: onRecorded,
  });
  return (
    <Modal open width={720} title={s.record} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name="record-placement"
        data-testid="record-placement-form"
        initialValues={{ organization_id: org, members: 0 }}
        onValuesChange={() => record.reset()}
        onFinish={(v) =>
          record.mutate({
            union: v.organization_id,
            body: {
              employer: v.employer.trim(),
              people: v.people,
              members: v.members ?? 0,
              placed_on: v.placed_on ? v.placed_on.format("YYYY-MM-DD") : null,
              training_activity_id: v.training_activity_id || null,
              note: v.note?.trim() ?? "",
            },
          })
        }
      >
        <Space wrap align="start" size="large">
          <Form.Item name="organization_id" label={s.union} rules={[{ required: true, message: t.required }]} style={{ width: 300 }}>
            <FormTreeSelect
              data-testid="placement-union"
              treeData={tree}
              loading={subtree.isLoading}
              showSearch
              treeNodeFilterProp="title"
              treeDefaultExpandAll={(subtree.data?.length ?? 0) < 60}
            />
          </Form.Item>
          <Form.Item name="placed_on" label={s.placedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="placement-placed-on" disabledDate={(d) => d.isAfter(today, "day")} />
          </Form.Item>
        </Space>
        <Form.Item name="employer" label={s.employer} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input maxLength={200} style={{ width: 420 }} />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item name="people" label={s.people} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={1} max={10_000} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item
            name="members"
            label={s.members}
            dependencies={["people"]}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, members: number | null | undefined) =>
                  (members ?? 0) > (getFieldValue("people") ?? Infinity) ? Promise.reject(new Error(s.membersExceed)) : Promise.resolve(),
              }),
            ]}
          >
            <InputNumber min={0} max={10_000} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="training_activity_id" label={s.training} tooltip={s.trainingHint}>
            <FormSelect
              data-testid="placement-training"
              allowClear
              style={{ width: 260 }}
              loading={trainings.isLoading}
              options={(trainings.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.title}（${a.starts_at.slice(0, 10)}）` }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="note" label={s.note}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="record-placement-submit" style={{ marginTop: 8 }}>
          {s.record}
        </Button>
      </Form>
    </Modal>
  );
}
