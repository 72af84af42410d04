import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import type { InfoCategory, InfoItem, WriteInfoItem } from "../../api/infoRows";
import { INFO_CATEGORIES } from "../../api/infoRows";
import { useRequestKeys } from "../../api/members";
import { shanghaiToday } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

interface Values {
  title: string;
  category: InfoCategory;
  event_on: Dayjs;
  author: string;
  body: string;
}

const MARKUP = /<\s*\/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s+[a-zA-Z-]+(\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?)*\s*\/?>|<!--/;

/** A draft written (new) or rewritten (a draft or a declined item): plain text, the event not in the future. */
export function InfoForm({ org, item, onClose, onSaved }: { org: string; item: InfoItem | null; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const s = t.info;
  const keyOf = useRequestKeys();
  const today = dayjs(shanghaiToday());
  const save = useMutation({
    mutationFn: (body: WriteInfoItem) =>
      item
        ? call<InfoItem>("events", `/v1/info-items/${encodeURIComponent(item.id)}`, { method: "PUT", body, idempotencyKey: keyOf({ item: item.id, body }) })
        : call<InfoItem>("events", `/v1/organizations/${encodeURIComponent(org)}/info-items`, { method: "POST", body, idempotencyKey: keyOf({ org, body }) }),
    onSuccess: onSaved,
  });
  return (
    <Modal open width={760} title={item ? s.edit : s.write} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name="info-item"
        data-testid="info-form"
        initialValues={
          item
            ? { title: item.title, category: item.category, event_on: dayjs(item.event_on), author: item.author, body: item.body }
            : { category: "work_news" }
        }
        onValuesChange={() => save.reset()}
        onFinish={(v) =>
          save.mutate({
            title: v.title.trim(),
            category: v.category,
            event_on: v.event_on.format("YYYY-MM-DD"),
            author: v.author.trim(),
            body: v.body.trim(),
          })
        }
      >
        <Form.Item name="title" label={s.title} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input maxLength={100} showCount />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item name="category" label={s.category} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="info-category"
              style={{ width: 160 }}
              options={INFO_CATEGORIES.map((c) => ({ value: c, label: s.categories[c] }))}
            />
          </Form.Item>
          <Form.Item name="event_on" label={s.eventOn} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="info-event-on" disabledDate={(d) => d.isAfter(today, "day")} />
          </Form.Item>
          <Form.Item name="author" label={s.author} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={50} style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Form.Item
          name="body"
          label={s.body}
          extra={s.plainText}
          rules={[
            { required: true, whitespace: true, message: t.required },
            { validator: (_, v?: string) => (v && MARKUP.test(v) ? Promise.reject(new Error(s.noMarkup)) : Promise.resolve()) },
          ]}
        >
          <Input.TextArea rows={8} maxLength={5000} showCount />
        </Form.Item>
        {save.error ? <ProblemAlert error={save.error} /> : null}
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="info-save" style={{ marginTop: 8 }}>
          {s.saveDraft}
        </Button>
      </Form>
    </Modal>
  );
}
