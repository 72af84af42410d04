import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Form, Modal, Progress, Space, Table, Typography, Upload } from "antd";
import type { UploadFile } from "antd";
import { UploadOutlined } from "@ant-design/icons";
import { useState } from "react";
import { upload } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { components } from "../../api/membership";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { UnionPicker } from "./UnionPicker";

type RosterImport = components["schemas"]["RosterImportOut"];
type RefusedRow = components["schemas"]["RefusedRowOut"];

interface Values {
  union: string;
  file: UploadFile[];
}

interface Run {
  union: string;
  file: File;
  dryRun: boolean;
  importValidRows?: boolean;
}

/**
 * 名册导入: the file is checked first (a dry run: every refused row with its Excel line and reason,
 * nothing imported); only a checked file is imported, with the upload's progress, then the rows
 * imported so far as the server reports them, then the result.
 */
export function RosterImport({ org, onClose }: { org: string; onClose: () => void }) {
  const { t } = useI18n();
  const r = t.rosterImport;
  const m = t.memberDesk;
  const [form] = Form.useForm<Values>();
  const { organizations } = useOrganizationNames();
  const here = organizations.find((o) => o.id === org);
  const queryClient = useQueryClient();
  const [sent, setSent] = useState(0);
  const [steps, setSteps] = useState<{ done: number; total: number }>();
  const [checked, setChecked] = useState<RosterImport>();
  const [done, setDone] = useState<RosterImport>();

  const send = useMutation({
    mutationFn: (run: Run) => {
      const body = new FormData();
      body.append("file", run.file, run.file.name);
      setSent(0);
      setSteps(undefined);
      return upload<RosterImport>(
        "membership",
        `/v1/organizations/${encodeURIComponent(run.union)}/roster-imports`,
        { dry_run: run.dryRun || undefined, import_valid_rows: run.importValidRows || undefined },
        body,
        (loaded, total) => setSent(total ? Math.round((loaded / total) * 100) : 0),
        run.dryRun ? undefined : (done, total) => setSteps({ done, total }),
      );
    },
    onSuccess: (answer) => {
      if (answer.dry_run) {
        setChecked(answer);
      } else {
        setDone(answer);
        void queryClient.invalidateQueries({ queryKey: ["members"] });
      }
    },
  });
  const run = (dryRun: boolean, importValidRows = false) => {
    const { union, file } = form.getFieldsValue();
    const chosen = file?.[0]?.originFileObj;
    if (union && chosen) send.mutate({ union, file: chosen, dryRun, importValidRows });
  };
  const importing = send.isPending && !send.variables?.dryRun;

  return (
    <Modal open title={r.title} footer={null} onCancel={onClose} destroyOnClose width={760}>
      <Form<Values>
        form={form}
        name="rosterImport"
        layout="vertical"
        data-testid="roster-import"
        initialValues={{ union: here && here.kind !== "federation" ? org : undefined, file: [] }}
        onValuesChange={() => {
          // Another file or union: what was checked no longer holds.
          setChecked(undefined);
          setDone(undefined);
          send.reset();
        }}
        onFinish={() => run(true)}
      >
        <Form.Item name="union" label={r.into} rules={[{ required: true, message: m.required(r.into) }]}>
          <UnionPicker />
        </Form.Item>
        <Form.Item
          name="file"
          label={r.file}
          extra={r.hint}
          valuePropName="fileList"
          getValueFromEvent={(event: { fileList: UploadFile[] }) => event.fileList.slice(-1)}
          rules={[{ required: true, type: "array", min: 1, message: r.fileRequired }]}
        >
          <Upload accept=".xlsx,.csv" maxCount={1} beforeUpload={() => false}>
            <Button icon={<UploadOutlined />}>{r.choose}</Button>
          </Upload>
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="roster-check" loading={send.isPending && send.variables?.dryRun}>
          {r.check}
        </Button>
      </Form>

      {send.error && (
        <div style={{ marginTop: 16 }}>
          <ProblemAlert error={send.error} />
        </div>
      )}
      {checked && !done && (
        <div style={{ marginTop: 16 }} data-testid="roster-checked">
          <Typography.Paragraph>{r.checked(checked.rows, checked.to_create, checked.skipped_already_members)}</Typography.Paragraph>
          {checked.refused > 0 && (
            <>
              <Alert type="error" showIcon message={r.refusedTitle(checked.refused)} style={{ marginBottom: 8 }} />
              <Table<RefusedRow>
                data-testid="refused-rows"
                rowKey="line"
                size="small"
                dataSource={checked.refused_rows}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                columns={[
                  { title: r.line, dataIndex: "line", width: 80 },
                  { title: r.reason, dataIndex: "reason" },
                ]}
              />
            </>
          )}
          <Space style={{ marginTop: 8 }}>
            {checked.refused === 0 ? (
              <Button type="primary" data-testid="roster-import-run" disabled={!checked.to_create} loading={importing} onClick={() => run(false)}>
                {r.importAll(checked.to_create)}
              </Button>
            ) : (
              checked.to_create > 0 && (
                <Button danger loading={importing} onClick={() => run(false, true)}>
                  {r.importValid(checked.to_create)}
                </Button>
              )
            )}
          </Space>
        </div>
      )}
      {importing && (
        <div style={{ marginTop: 16 }} data-testid="roster-progress">
          {steps ? (
            <>
              <Progress percent={Math.floor((steps.done * 100) / Math.max(steps.total, 1))} status="active" aria-label={r.title} />
              <Typography.Text data-testid="roster-steps">{r.importedSoFar(steps.done, steps.total)}</Typography.Text>
            </>
          ) : (
            <>
              <Progress percent={sent < 100 ? sent : 99} status="active" aria-label={r.title} />
              <Typography.Text>{sent < 100 ? r.uploading : r.importing}</Typography.Text>
            </>
          )}
        </div>
      )}
      {done && (
        <div style={{ marginTop: 16 }} data-testid="roster-done">
          <Progress percent={100} aria-label={r.title} />
          <Alert
            type={done.refused ? "warning" : "success"}
            showIcon
            message={r.done(done.created, done.skipped_already_members, done.refused)}
          />
          <Button style={{ marginTop: 8 }} onClick={onClose}>
            {r.close}
          </Button>
        </div>
      )}
    </Modal>
  );
}
