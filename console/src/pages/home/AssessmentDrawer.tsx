import { PaperClipOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import {
  Alert,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Space,
  Table,
  Typography,
  message,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import {
  mayAssess,
  mayReview,
  type AddHomeEvidence,
  type HomeAssessment,
  type HomeItemScore,
  type ReturnHomeAssessment,
  type ReviewHomeAssessment,
  type ScoreHomeAssessment,
} from "../../api/homeRows";
import { useRequestKeys } from "../../api/members";
import { fill, shanghaiToday } from "../../api/streetRows";
import { AttachmentsPanel } from "../../components/AttachmentsPanel";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { useRefreshHome } from "./AssessmentsTab";
import { LevelTag, StatusTag } from "./LevelTag";

type HomeEvidence = HomeItemScore["evidence"][number];
/** What an evidence entry's files are (membership's service_layer/home_files.py PURPOSES). */
const EVIDENCE_PURPOSES = ["evidence", "photo", "minutes", "other"];

const enc = encodeURIComponent;

interface Values {
  self: Record<string, { score?: number | null; note?: string }>;
  review: Record<string, number | null | undefined>;
  comment?: string;
  awarded_on?: Dayjs;
  reason?: string;
}

/** The level a reviewed total earns by the assessment's checklist (as domain/home.py level_for). */
function levelFor(total: number, t: HomeAssessment["thresholds"]): string | null {
  if (total >= t.model) return "model";
  if (total >= t.advanced) return "advanced";
  if (total >= t.qualified) return "qualified";
  return null;
}

/** One assessment: the union fills in its self scores and evidence and submits; the level above reviews. */
export function AssessmentDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useI18n();
  const h = t.home;
  const { claims } = useSession();
  const keyOf = useRequestKeys();
  const refresh = useRefreshHome();
  const [form] = Form.useForm<Values>();
  const [evidenceFor, setEvidenceFor] = useState<HomeItemScore | null>(null);
  const [filesOf, setFilesOf] = useState<HomeEvidence | null>(null);
  const path = `/v1/home-assessments/${enc(id)}`;
  const found = useQuery({ queryKey: ["home-assessment", id], queryFn: () => call<HomeAssessment>("membership", path) });
  const a = found.data;
  const write = <B,>(suffix: string, method: "PUT" | "POST") =>
    useMutation({
      mutationFn: (body: B) =>
        call<HomeAssessment>("membership", `${path}${suffix}`, { method, body, idempotencyKey: keyOf([suffix, body]) }),
      onSuccess: () => refresh(),
    });
  const save = write<ScoreHomeAssessment>("/scores", "PUT");
  const submit = write<Record<string, never>>("/submission", "POST");
  const review = write<ReviewHomeAssessment>("/review", "POST");
  const giveBack = write<ReturnHomeAssessment>("/return", "POST");
  const reviewValues = Form.useWatch("review", form);

  if (!a) {
    return (
      <Drawer open width={1100} onClose={onClose} title={h.assessments}>
        {found.error ? <ProblemAlert error={found.error} /> : <Typography.Text>…</Typography.Text>}
      </Drawer>
    );
  }
  const editable = (a.status === "draft" || a.status === "returned") && mayAssess(claims.role, claims.org, a.organization_id);
  const reviewing = a.status === "submitted" && mayReview(claims.role, claims.org, a.organization_id);
  const reviewTotal = a.items.reduce((sum, i) => sum + (reviewValues?.[i.code] ?? 0), 0);
  const reviewLevel = levelFor(reviewTotal, a.thresholds);
  const initial: Values = {
    self: Object.fromEntries(a.items.map((i) => [i.code, { score: i.self_score, note: i.note }])),
    review: Object.fromEntries(a.items.map((i) => [i.code, i.review_score ?? i.self_score])),
    awarded_on: dayjs(shanghaiToday()),
  };
  const scoreRule = (max: number) => ({ type: "number" as const, min: 0, max, message: fill(h.scoreRange, { max }) });
  const problem = save.error ?? submit.error ?? review.error ?? giveBack.error;

  // Refusals are shown where they belong (the form's fields, the problem alert): a click only starts them.
  const quietly = (action: () => Promise<void>) => () => {
    action().catch(() => undefined);
  };
  const onSave = quietly(async () => {
    const v = await form.validateFields(a.items.flatMap((i) => [["self", i.code, "score"], ["self", i.code, "note"]]));
    const items = a.items
      .filter((i) => v.self?.[i.code]?.score !== undefined && v.self?.[i.code]?.score !== null)
      .map((i) => ({ code: i.code, self_score: v.self[i.code].score as number, note: v.self[i.code].note ?? "" }));
    if (items.length) {
      await save.mutateAsync({ items });
      void message.success(h.saved);
    }
  });
  const onAward = quietly(async () => {
    const v = await form.validateFields([...a.items.map((i) => ["review", i.code]), "comment", "awarded_on"]);
    await review.mutateAsync({
      items: a.items.map((i) => ({ code: i.code, score: v.review[i.code] as number })),
      comment: v.comment ?? "",
      awarded_on: (v.awarded_on as Dayjs).format("YYYY-MM-DD"),
    });
  });
  const onReturn = quietly(async () => {
    const v = await form.validateFields(["reason"]);
    if (!v.reason?.trim()) {
      form.setFields([{ name: "reason", errors: [t.required] }]);
      return;
    }
    await giveBack.mutateAsync({ reason: v.reason.trim() });
  });

  return (
    <Drawer
      open
      width={1100}
      onClose={onClose}
      title={fill(h.detailTitle, { union: a.organization_name, year: a.year })}
      data-testid="home-assessment-drawer"
    >
      <Descriptions size="small" column={3} bordered style={{ marginBottom: 12 }}>
        <Descriptions.Item label={h.status}>
          <StatusTag status={a.status} />
        </Descriptions.Item>
        <Descriptions.Item label={h.selfTotal}>
          <span data-testid="home-self-total">{a.self_total}</span> / {a.total_points}
        </Descriptions.Item>
        <Descriptions.Item label={h.reviewedTotal}>
          <span data-testid="home-detail-reviewed-total">{a.reviewed_total ?? "—"}</span>
        </Descriptions.Item>
        <Descriptions.Item label={h.level}>
          <LevelTag level={a.level} reviewed={a.status === "reviewed"} />
        </Descriptions.Item>
        <Descriptions.Item label={h.awardedOn}>{a.awarded_on ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={h.renewBy}>
          <span data-testid="home-renew-by">{a.renew_by ?? "—"}</span>
        </Descriptions.Item>
        <Descriptions.Item label={h.thresholds} span={3}>
          {fill(h.checklistVersion, { version: a.checklist_version, total: a.total_points })}；
          {fill(h.thresholdsText, { ...a.thresholds, years: a.valid_years })}
        </Descriptions.Item>
      </Descriptions>
      {a.status === "returned" && a.return_reason ? (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={fill(h.returned, { reason: a.return_reason })} data-testid="home-returned" />
      ) : null}
      {a.review_comment ? <Alert type="info" style={{ marginBottom: 12 }} message={`${h.reviewComment}：${a.review_comment}`} /> : null}
      <Form<Values> form={form} name="home-assessment" initialValues={initial} onValuesChange={() => [save, submit, review, giveBack].forEach((m) => m.reset())}>
        <Table<HomeItemScore>
          rowKey="code"
          size="small"
          pagination={false}
          dataSource={a.items}
          onRow={(i) => ({ "data-testid": "home-item", "data-code": i.code }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: h.code, dataIndex: "code", width: 55 },
            { title: h.section, dataIndex: "section", width: 90 },
            { title: h.item, dataIndex: "text" },
            { title: h.maxPoints, dataIndex: "max_points", width: 60, align: "right" },
            {
              title: h.selfScore,
              key: "self",
              width: editable ? 250 : 170,
              render: (_: unknown, i: HomeItemScore) =>
                editable ? (
                  <Space direction="vertical" size={4} style={{ width: "100%" }}>
                    <Form.Item name={["self", i.code, "score"]} rules={[scoreRule(i.max_points)]} style={{ margin: 0 }}>
                      <InputNumber aria-label={`${h.selfScore} ${i.code}`} precision={0} data-testid="self-score" style={{ width: 90 }} />
                    </Form.Item>
                    <Form.Item name={["self", i.code, "note"]} rules={[{ max: 2000 }]} style={{ margin: 0 }}>
                      <Input aria-label={`${h.note} ${i.code}`} placeholder={h.note} data-testid="self-note" />
                    </Form.Item>
                  </Space>
                ) : (
                  <span>
                    <span data-testid="self-score-value">{i.self_score ?? "—"}</span>
                    {i.note ? <Typography.Text type="secondary">（{i.note}）</Typography.Text> : null}
                  </span>
                ),
            },
            {
              title: h.evidence,
              key: "evidence",
              width: 230,
              render: (_: unknown, i: HomeItemScore) => (
                <Space direction="vertical" size={2}>
                  {i.evidence.map((e) => (
                    <Typography.Link key={e.id} data-testid="home-evidence" title={e.description} onClick={() => setFilesOf(e)}>
                      <PaperClipOutlined /> {e.title}
                      {e.file_name ? (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="home-evidence-file">
                          {" "}
                          （{e.file_name}）
                        </Typography.Text>
                      ) : null}
                    </Typography.Link>
                  ))}
                  {i.evidence_required && !i.evidence.length ? (
                    <Typography.Text type="danger" data-testid="home-evidence-needed">
                      {h.evidenceNeeded}
                    </Typography.Text>
                  ) : null}
                  {!i.evidence_required && !i.evidence.length ? <Typography.Text type="secondary">{h.noEvidence}</Typography.Text> : null}
                  {editable ? (
                    <Button size="small" data-testid="home-add-evidence" onClick={() => setEvidenceFor(i)}>
                      {h.addEvidence}
                    </Button>
                  ) : null}
                </Space>
              ),
            },
            {
              title: h.reviewScore,
              key: "review",
              width: 110,
              render: (_: unknown, i: HomeItemScore) =>
                reviewing ? (
                  <Form.Item
                    name={["review", i.code]}
                    rules={[{ required: true, message: t.required }, scoreRule(i.max_points)]}
                    style={{ margin: 0 }}
                  >
                    <InputNumber aria-label={`${h.reviewScore} ${i.code}`} precision={0} data-testid="review-score" style={{ width: 80 }} />
                  </Form.Item>
                ) : (
                  <span data-testid="review-score-value">{i.review_score ?? "—"}</span>
                ),
            },
          ]}
        />
        {problem ? (
          <div style={{ marginTop: 12 }}>
            <ProblemAlert error={problem} />
          </div>
        ) : null}
        {editable ? (
          <Space style={{ marginTop: 12 }}>
            <Button onClick={onSave} loading={save.isPending} data-testid="home-save">
              {h.saveScores}
            </Button>
            <Popconfirm title={h.submitConfirm} onConfirm={() => submit.mutate({})} okButtonProps={{ "data-testid": "home-submit-confirm" } as React.ComponentProps<typeof Button>}>
              <Button type="primary" loading={submit.isPending} data-testid="home-submit">
                {h.submit}
              </Button>
            </Popconfirm>
          </Space>
        ) : null}
        {reviewing ? (
          <div style={{ marginTop: 16 }} data-testid="home-review">
            <Typography.Title level={5}>{h.review}</Typography.Title>
            <Alert
              style={{ marginBottom: 12 }}
              type={reviewLevel ? "success" : "warning"}
              data-testid="home-award-preview"
              message={fill(h.awardPreview, { total: reviewTotal, level: reviewLevel ? h.levels[reviewLevel] : h.notCertified })}
            />
            <Form.Item name="comment" label={h.reviewComment} rules={[{ max: 4000 }]}>
              <Input.TextArea rows={2} data-testid="home-review-comment" />
            </Form.Item>
            <Form.Item name="awarded_on" label={h.awardedOn} rules={[{ required: true, message: t.required }]}>
              <DatePicker data-testid="home-awarded-on" />
            </Form.Item>
            <Button type="primary" onClick={onAward} loading={review.isPending} data-testid="home-award">
              {h.award}
            </Button>
            <Form.Item name="reason" label={h.returnReason} style={{ marginTop: 16 }} rules={[{ max: 2000 }]}>
              <Input data-testid="home-return-reason" />
            </Form.Item>
            <Button danger onClick={onReturn} loading={giveBack.isPending} data-testid="home-return">
              {h.returnIt}
            </Button>
          </div>
        ) : null}
      </Form>
      {evidenceFor ? <EvidenceModal assessmentId={a.id} item={evidenceFor} onClose={() => setEvidenceFor(null)} /> : null}
      {filesOf ? (
        <Modal
          open
          width={960}
          title={fill(h.evidenceFilesOf, { title: filesOf.title })}
          onCancel={() => {
            setFilesOf(null);
            refresh(); // the entry names its latest file
          }}
          footer={null}
          destroyOnClose
        >
          <div data-testid="home-evidence-files">
            <AttachmentsPanel
              service="membership"
              path={`/v1/home-evidence/${enc(filesOf.id)}`}
              purposes={EVIDENCE_PURPOSES}
              canUpload={editable}
              title={h.evidenceFiles}
            />
          </div>
        </Modal>
      ) : null}
    </Drawer>
  );
}

function EvidenceModal({ assessmentId, item, onClose }: { assessmentId: string; item: HomeItemScore; onClose: () => void }) {
  const { t } = useI18n();
  const h = t.home;
  const keyOf = useRequestKeys();
  const refresh = useRefreshHome();
  const add = useMutation({
    mutationFn: (body: AddHomeEvidence) =>
      call<HomeAssessment>("membership", `/v1/home-assessments/${enc(assessmentId)}/evidence`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <Modal open title={fill(h.addEvidenceFor, { code: item.code, text: item.text })} onCancel={onClose} footer={null} destroyOnClose>
      <Typography.Paragraph type="secondary">{h.evidenceFileLater}</Typography.Paragraph>
      <Form<{ title: string; description?: string }>
        layout="vertical"
        name="home-evidence"
        data-testid="home-evidence-form"
        onValuesChange={() => add.reset()}
        onFinish={(v) => add.mutate({ item_code: item.code, title: v.title, description: v.description ?? "" })}
      >
        <Form.Item name="title" label={h.evidenceTitle} rules={[{ required: true, whitespace: true, message: t.required }, { max: 200 }]}>
          <Input data-testid="home-evidence-title" />
        </Form.Item>
        <Form.Item name="description" label={h.evidenceDescription} rules={[{ max: 4000 }]}>
          <Input.TextArea rows={3} data-testid="home-evidence-description" />
        </Form.Item>
        {add.error ? <ProblemAlert error={add.error} /> : null}
        <Button type="primary" htmlType="submit" loading={add.isPending} data-testid="home-evidence-submit">
          {h.addEvidence}
        </Button>
      </Form>
    </Modal>
  );
}
