import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, DatePicker, Form, Input, Modal, Radio, Space, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import type { Enterprise } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import type { ChangeEmployer, NewForm, RecordWorkerCategory, TransferOutcome, WorkerRecord } from "../../api/workersRows";
import { NEW_FORMS } from "../../api/workersRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";

const enc = encodeURIComponent;
const day = (d: Dayjs) => d.format("YYYY-MM-DD");
const NOT_NEW_FORM = "none";

export const workerRecordKey = (memberId: string) => ["worker-record", memberId];

/** A write to the member's record; on success the record, the member and the counts are read again. */
function useRecordWrite<B>(record: WorkerRecord, method: "PUT" | "POST", path: string, onDone: () => void) {
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: B) =>
      call<WorkerRecord>("membership", `/v1/members/${enc(record.member.id)}/${path}`, { method, body, idempotencyKey: keyOf(body) }),
    onSuccess: (fresh) => {
      client.setQueryData(workerRecordKey(record.member.id), fresh);
      void client.invalidateQueries({ queryKey: ["mobile-worker-counts"] });
      void client.invalidateQueries({ queryKey: ["member", record.member.id] });
      onDone();
    },
  });
}

/** The member's category from a day: 农民工 or not, and the form of new work if any. */
export function CategoryForm({ record, onClose }: { record: WorkerRecord; onClose: () => void }) {
  const { t } = useI18n();
  const w = t.workers;
  const save = useRecordWrite<RecordWorkerCategory>(record, "PUT", "worker-category", onClose);
  const current = record.category;
  return (
    <Modal open title={fill(w.setCategoryFor, { name: record.member.display_name })} footer={null} onCancel={onClose} destroyOnClose>
      <Form<{ migrant_worker: boolean; new_form: NewForm | typeof NOT_NEW_FORM; effective_on: Dayjs }>
        name="worker-category"
        layout="vertical"
        data-testid="category-form"
        initialValues={{
          migrant_worker: current?.migrant_worker ?? true,
          new_form: current?.new_form ?? NOT_NEW_FORM,
          effective_on: dayjs(shanghaiToday()),
        }}
        onValuesChange={() => save.reset()}
        onFinish={(v) =>
          save.mutate({
            migrant_worker: v.migrant_worker,
            new_form: v.new_form === NOT_NEW_FORM ? null : v.new_form,
            effective_on: day(v.effective_on),
          })
        }
      >
        <Form.Item name="migrant_worker" label={w.migrantWorker} rules={[{ required: true, message: t.required }]}>
          <Radio.Group
            data-testid="category-migrant"
            options={[
              { value: true, label: w.yes },
              { value: false, label: w.no },
            ]}
          />
        </Form.Item>
        <Form.Item name="new_form" label={w.form} rules={[{ required: true, message: t.required }]}>
          <FormSelect
            data-testid="category-form-of-work"
            style={{ width: 240 }}
            options={[
              ...NEW_FORMS.map((f) => ({ value: f, label: w.forms[f] })),
              { value: NOT_NEW_FORM, label: w.noNewForm },
            ]}
          />
        </Form.Item>
        <Form.Item name="effective_on" label={w.effectiveOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="category-effective-on" />
        </Form.Item>
        {save.error ? <ProblemAlert error={save.error} /> : null}
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="category-submit" style={{ marginTop: 8 }}>
          {w.save}
        </Button>
      </Form>
    </Modal>
  );
}

type EmployerKind = "enterprise" | "name" | "none";

/**
 * The member works for another employer from a day: an enterprise of the register (federation admins
 * read it), one by name such as a platform company, or none. The membership stays as it is.
 */
export function EmployerForm({ record, onClose }: { record: WorkerRecord; onClose: () => void }) {
  const { t } = useI18n();
  const w = t.workers;
  const org = useOrg();
  const { claims } = useSession();
  const readsRegister = claims.role === "federation_admin";
  const save = useRecordWrite<ChangeEmployer>(record, "POST", "employer-changes", onClose);
  const [form] = Form.useForm<{ kind: EmployerKind; enterprise_id?: string; employer_name?: string; effective_on: Dayjs }>();
  const kind = Form.useWatch("kind", form);
  const register = useQuery({
    queryKey: ["enterprises", org, "all"],
    queryFn: () => call<Enterprise[]>("membership", `/v1/organizations/${enc(org)}/enterprises`),
    enabled: readsRegister,
  });
  const kinds: EmployerKind[] = readsRegister ? ["enterprise", "name", "none"] : ["name", "none"];
  return (
    <Modal open title={fill(w.changeEmployerFor, { name: record.member.display_name })} footer={null} onCancel={onClose} destroyOnClose>
      <Form
        form={form}
        name="employer-change"
        layout="vertical"
        data-testid="employer-form"
        initialValues={{ kind: "name", effective_on: dayjs(shanghaiToday()) }}
        onValuesChange={() => save.reset()}
        onFinish={(v) =>
          save.mutate({
            enterprise_id: v.kind === "enterprise" ? v.enterprise_id : null,
            employer_name: v.kind === "name" ? v.employer_name?.trim() : null,
            effective_on: day(v.effective_on),
          })
        }
      >
        <Form.Item name="kind" label={w.employerKind} rules={[{ required: true, message: t.required }]}>
          <Radio.Group data-testid="employer-kind" options={kinds.map((k) => ({ value: k, label: w.employerKinds[k] }))} />
        </Form.Item>
        {kind === "enterprise" && (
          <Form.Item name="enterprise_id" label={w.enterprise} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="employer-enterprise"
              showSearch
              optionFilterProp="label"
              placeholder={w.chooseEnterprise}
              loading={register.isLoading}
              style={{ width: 360 }}
              options={(register.data ?? []).map((e) => ({ value: e.id, label: e.name }))}
            />
          </Form.Item>
        )}
        {kind === "name" && (
          <Form.Item name="employer_name" label={w.employerName} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} data-testid="employer-name" style={{ width: 360 }} />
          </Form.Item>
        )}
        <Form.Item name="effective_on" label={w.firstDay} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="employer-effective-on" />
        </Form.Item>
        {register.error ? <ProblemAlert error={register.error} /> : null}
        {save.error ? <ProblemAlert error={save.error} /> : null}
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="employer-submit" style={{ marginTop: 8 }}>
          {w.save}
        </Button>
      </Form>
    </Modal>
  );
}

/** 会籍接转: into the union of the member's current employer (an enterprise of the register), after a confirm. */
export function TransferToEmployerUnion({ record }: { record: WorkerRecord }) {
  const { t } = useI18n();
  const w = t.workers;
  const { message } = App.useApp();
  const { nameOf } = useOrganizationNames();
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const [on, setOn] = useState<Dayjs | null>(dayjs(shanghaiToday()));
  const employer = record.employer;
  const transfer = useMutation({
    mutationFn: (body: { effective_on: string }) =>
      call<TransferOutcome>("membership", `/v1/members/${enc(record.member.id)}/transfer-to-employer-union`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: (outcome) => {
      void message.success(
        outcome.change.status === "applied"
          ? fill(w.transferDone, { union: nameOf(outcome.member.organization_id) })
          : fill(w.transferScheduled, { day: outcome.change.effective_on }),
      );
      void client.invalidateQueries({ queryKey: workerRecordKey(record.member.id) });
      void client.invalidateQueries({ queryKey: ["member", record.member.id] });
      setOpen(false);
    },
  });
  return (
    <>
      <Button size="small" data-testid="open-transfer-to-employer" disabled={!employer?.enterprise_id} onClick={() => setOpen(true)}>
        {w.transfer}
      </Button>
      <Modal
        open={open}
        title={fill(w.transferTitle, { name: record.member.display_name })}
        okText={w.transfer}
        okButtonProps={{ disabled: !on, loading: transfer.isPending, "data-testid": "confirm-transfer-to-employer" }}
        onOk={() => on && transfer.mutate({ effective_on: day(on) })}
        onCancel={() => {
          transfer.reset();
          setOpen(false);
        }}
        destroyOnClose
      >
        <Space direction="vertical" style={{ width: "100%" }}>
          <Typography.Paragraph>
            {fill(w.transferConfirm, {
              name: record.member.display_name,
              from: nameOf(record.member.organization_id),
              employer: employer?.employer_name ?? "—",
            })}
          </Typography.Paragraph>
          <Space>
            <label htmlFor="transfer-to-employer-on">{w.transferOn}</label>
            <DatePicker id="transfer-to-employer-on" value={on} onChange={setOn} />
          </Space>
          {transfer.error ? <ProblemAlert error={transfer.error} /> : null}
        </Space>
      </Modal>
    </>
  );
}
