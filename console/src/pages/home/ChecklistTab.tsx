import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { HomeChecklist, HomeChecklistItem, PublishHomeChecklist } from "../../api/homeRows";
import { useRequestKeys } from "../../api/members";
import { fill } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { useRefreshHome } from "./AssessmentsTab";

const enc = encodeURIComponent;

/** The federation's current checklist (or the default offered); its admins publish a new version. */
export function ChecklistTab() {
  const { t } = useI18n();
  const h = t.home;
  const { claims } = useSession();
  const [editing, setEditing] = useState(false);
  const checklist = useQuery({
    queryKey: ["home-checklist", claims.fed],
    queryFn: () => call<HomeChecklist>("membership", `/v1/federations/${enc(claims.fed)}/home-checklist`),
  });
  const c = checklist.data;
  const mayPublish = claims.role === "federation_admin" && claims.org === claims.fed;
  return (
    <Card
      size="small"
      data-testid="home-checklist"
      loading={checklist.isLoading}
      title={c ? `${h.checklistTab}${c.published ? ` · ${fill(h.version, { version: c.version })}` : ""}` : h.checklistTab}
      extra={
        mayPublish && c ? (
          <Button type="primary" data-testid="home-publish-open" onClick={() => setEditing(true)}>
            {h.publish}
          </Button>
        ) : null
      }
    >
      {checklist.error ? <ProblemAlert error={checklist.error} /> : null}
      {c ? (
        <Space direction="vertical" style={{ width: "100%" }}>
          {!c.published ? <Alert type="info" showIcon message={h.offered} data-testid="home-checklist-offered" /> : null}
          <Typography.Text data-testid="home-thresholds">
            {fill(h.checklistVersion, { version: c.version, total: c.total_points })}；
            {fill(h.thresholdsText, { ...c.thresholds, years: c.valid_years })}
          </Typography.Text>
          <Table<HomeChecklistItem>
            rowKey="code"
            size="small"
            pagination={false}
            dataSource={c.items}
            columns={[
              { title: h.code, dataIndex: "code", width: 70 },
              { title: h.section, dataIndex: "section", width: 110 },
              { title: h.item, dataIndex: "text" },
              { title: h.maxPoints, dataIndex: "max_points", width: 70, align: "right" },
              {
                title: h.evidenceRequired,
                dataIndex: "evidence_required",
                width: 80,
                render: (v: boolean) => (v ? <Tag color="#0050b3">{h.yes}</Tag> : h.no),
              },
            ]}
          />
        </Space>
      ) : null}
      {editing && c ? <PublishChecklist current={c} onClose={() => setEditing(false)} /> : null}
    </Card>
  );
}

function PublishChecklist({ current, onClose }: { current: HomeChecklist; onClose: () => void }) {
  const { t } = useI18n();
  const h = t.home;
  const { claims } = useSession();
  const keyOf = useRequestKeys();
  const refresh = useRefreshHome();
  const [form] = Form.useForm<PublishHomeChecklist>();
  const items = Form.useWatch("items", form) as HomeChecklistItem[] | undefined;
  const total = (items ?? []).reduce((sum, i) => sum + (i?.max_points ?? 0), 0);
  const publish = useMutation({
    mutationFn: (body: PublishHomeChecklist) =>
      call<HomeChecklist>("membership", `/v1/federations/${enc(claims.fed)}/home-checklist`, {
        method: "PUT",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  const rising = (name: "qualified" | "advanced" | "model") => ({
    validator: async () => {
      const th = form.getFieldValue("thresholds") ?? {};
      const ok = 0 < th.qualified && th.qualified < th.advanced && th.advanced < th.model && th.model <= total;
      if (!ok && name === "model") throw new Error(fill(h.thresholdsRise, { total }));
    },
  });
  return (
    <Modal open width={1000} title={h.publishTitle} onCancel={onClose} footer={null} destroyOnClose>
      <Typography.Paragraph type="secondary">{h.publishNote}</Typography.Paragraph>
      <Form<PublishHomeChecklist>
        form={form}
        name="home-publish"
        data-testid="home-publish-form"
        initialValues={{
          items: current.items.map(({ code, section, text, max_points, evidence_required }) => ({
            code,
            section,
            text,
            max_points,
            evidence_required,
          })),
          thresholds: current.thresholds,
          valid_years: current.valid_years,
        }}
        onValuesChange={() => publish.reset()}
        onFinish={(v) => publish.mutate(v)}
      >
        <Form.List name="items">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, n) => (
                <Space key={field.key} align="start" wrap data-testid="home-publish-item">
                  <Form.Item name={[field.name, "code"]} rules={[{ required: true, whitespace: true, message: t.required }]}>
                    <Input aria-label={`${h.code} ${n + 1}`} placeholder={h.code} style={{ width: 70 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "section"]} rules={[{ required: true, whitespace: true, message: t.required }]}>
                    <Input aria-label={`${h.section} ${n + 1}`} placeholder={h.section} style={{ width: 110 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "text"]} rules={[{ required: true, whitespace: true, message: t.required }]}>
                    <Input aria-label={`${h.item} ${n + 1}`} placeholder={h.item} style={{ width: 420 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "max_points"]} rules={[{ required: true, message: t.required }]}>
                    <InputNumber aria-label={`${h.maxPoints} ${n + 1}`} min={1} max={100} precision={0} style={{ width: 70 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "evidence_required"]} valuePropName="checked">
                    <Checkbox>{h.evidenceRequired}</Checkbox>
                  </Form.Item>
                  <Button onClick={() => remove(field.name)}>{h.removeItem}</Button>
                </Space>
              ))}
              <Form.Item>
                <Button
                  data-testid="home-publish-add-item"
                  onClick={() => add({ code: "", section: "", text: "", max_points: 5, evidence_required: false })}
                >
                  {h.addItem}
                </Button>
                <Typography.Text style={{ marginLeft: 12 }} data-testid="home-publish-total">
                  {total}
                </Typography.Text>
              </Form.Item>
            </>
          )}
        </Form.List>
        <Space wrap align="start">
          <Form.Item name={["thresholds", "qualified"]} label={h.qualified} rules={[{ required: true, message: t.required }, rising("qualified")]}>
            <InputNumber min={1} precision={0} data-testid="home-threshold-qualified" />
          </Form.Item>
          <Form.Item name={["thresholds", "advanced"]} label={h.advanced} rules={[{ required: true, message: t.required }, rising("advanced")]}>
            <InputNumber min={1} precision={0} data-testid="home-threshold-advanced" />
          </Form.Item>
          <Form.Item
            name={["thresholds", "model"]}
            label={h.model}
            dependencies={[["thresholds", "qualified"], ["thresholds", "advanced"], "items"]}
            rules={[{ required: true, message: t.required }, rising("model")]}
          >
            <InputNumber min={1} precision={0} data-testid="home-threshold-model" />
          </Form.Item>
          <Form.Item name="valid_years" label={h.validYears} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={1} max={10} precision={0} data-testid="home-valid-years" />
          </Form.Item>
        </Space>
        {publish.error ? <ProblemAlert error={publish.error} /> : null}
        <Button type="primary" htmlType="submit" loading={publish.isPending} data-testid="home-publish-submit">
          {h.publish}
        </Button>
      </Form>
    </Modal>
  );
}
