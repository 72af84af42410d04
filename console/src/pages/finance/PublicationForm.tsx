import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button as AntButton, DatePicker, Form, Input, Modal } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import { CHANNELS, type PublicationChannel, type PublicationRecorded, type RecordDisclosure } from "../../api/publicationRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

interface Values {
  period: [Dayjs, Dayjs];
  published_on: Dayjs;
  channel: PublicationChannel;
  note?: string;
}

const day = (d: Dayjs) => d.format("YYYY-MM-DD");

/**
 * 校务公开: the union records that its income and expenditure statement for a period was published to its
 * staff, on which day and where (POST …/disclosure-publications). The upper union's 督查 roll-up lists it.
 * The form checks what finance checks (the day not after today, nor before the period's end) before sending;
 * whatever finance still refuses is shown as its problem, in Chinese first.
 */
export function PublicationForm({ org, period, onClose }: { org: string; period: [Dayjs, Dayjs]; onClose: () => void }) {
  const { t } = useI18n();
  const p = t.publication;
  const { message } = App.useApp();
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const today = dayjs(shanghaiToday());
  const record = useMutation({
    mutationFn: (body: RecordDisclosure) =>
      call<PublicationRecorded>("finance", `/v1/organizations/${encodeURIComponent(org)}/disclosure-publications`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: (done) => {
      void client.invalidateQueries({ queryKey: ["disclosure-rollup"] });
      void message.success(fill(p.recorded, { from: done.period_from, to: done.period_to, on: done.published_on }));
      onClose();
    },
  });
  const end = period[1].isAfter(today) ? today : period[1];
  return (
    <Modal open width={640} title={p.title} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name="disclosure-publication"
        data-testid="publication-form"
        initialValues={{ period: [period[0], end], published_on: today, channel: "notice_board" }}
        onValuesChange={() => record.reset()}
        onFinish={(v) =>
          record.mutate({
            period_from: day(v.period[0]),
            period_to: day(v.period[1]),
            published_on: day(v.published_on),
            channel: v.channel,
            note: v.note?.trim() || null,
          })
        }
      >
        <Form.Item name="period" label={p.period} rules={[{ required: true, message: t.required }]}>
          <DatePicker.RangePicker data-testid="publication-period" allowClear={false} />
        </Form.Item>
        <Form.Item
          name="published_on"
          label={p.publishedOn}
          dependencies={["period"]}
          rules={[
            { required: true, message: t.required },
            ({ getFieldValue }) => ({
              validator: (_rule, value: Dayjs | undefined) => {
                if (!value) return Promise.resolve();
                if (value.isAfter(today, "day")) return Promise.reject(new Error(p.futureDay));
                const range = getFieldValue("period") as [Dayjs, Dayjs] | undefined;
                if (range?.[1] && value.isBefore(range[1], "day")) return Promise.reject(new Error(p.beforePeriodEnd));
                return Promise.resolve();
              },
            }),
          ]}
        >
          <DatePicker data-testid="publication-published-on" disabledDate={(d) => d.isAfter(today, "day")} />
        </Form.Item>
        <Form.Item name="channel" label={p.channel} rules={[{ required: true, message: t.required }]}>
          <FormSelect
            data-testid="publication-channel"
            style={{ width: 220 }}
            options={CHANNELS.map((c) => ({ value: c, label: p.channels[c] ?? c }))}
          />
        </Form.Item>
        <Form.Item name="note" label={p.note} rules={[{ max: 500 }]}>
          <Input.TextArea data-testid="publication-note" rows={2} maxLength={500} />
        </Form.Item>
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <Form.Item style={{ marginTop: 16, marginBottom: 0 }}>
          <AntButton type="primary" htmlType="submit" loading={record.isPending} data-testid="publication-submit">
            {p.submit}
          </AntButton>
        </Form.Item>
      </Form>
    </Modal>
  );
}

