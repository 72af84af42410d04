import { PaperClipOutlined, UploadOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Select, Space, Table, Typography, Upload } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { call, upload, url, type Service } from "../api/client";
import { useI18n } from "../i18n";
import { DownloadButton } from "./DownloadButton";
import { ProblemAlert } from "./ProblemAlert";

/** A file attached to a record, as every service answers it (AttachmentOut). */
export interface Attachment {
  id: string;
  record_kind: string;
  record_id: string;
  purpose: string;
  file_name: string;
  media_type: string;
  size_bytes: number;
  sha256: string;
  uploaded_by: string;
  uploaded_at: string;
}

// What the services read (told from the bytes; the extension must agree).
const ACCEPT = ".pdf,.jpg,.jpeg,.png,.webp,.doc,.docx,.xls,.xlsx,.txt,.csv";

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The 台账 of one record: its files (minutes, plans, summaries, photos, receipts, vouchers) with
 * size, uploader and time, each downloadable under its original name, and an upload for those who
 * may change the record. `path` is the record's API path (`/v1/activities/{id}`), `purposes` what the
 * service accepts there, the first the default.
 */
export function AttachmentsPanel({
  service,
  path,
  purposes,
  canUpload = true,
  title,
}: {
  service: Service;
  path: string;
  purposes: string[];
  canUpload?: boolean;
  title?: React.ReactNode;
}) {
  const { t } = useI18n();
  const texts = t.attachments;
  const queryClient = useQueryClient();
  const [purpose, setPurpose] = useState(purposes[0]);
  const [error, setError] = useState<unknown>(null);
  const [sending, setSending] = useState(false);
  const key = ["attachments", service, path];
  const files = useQuery({ queryKey: key, queryFn: () => call<Attachment[]>(service, `${path}/attachments`) });

  const send = async (file: File) => {
    setError(null);
    setSending(true);
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("purpose", purpose);
    try {
      await upload<Attachment>(service, `${path}/attachments`, {}, form);
      await queryClient.invalidateQueries({ queryKey: key });
    } catch (refusal) {
      setError(refusal);
    } finally {
      setSending(false);
    }
  };

  return (
    <Card
      size="small"
      data-testid="attachments"
      title={
        <Space>
          <PaperClipOutlined />
          {title ?? texts.title}
        </Space>
      }
      extra={
        canUpload ? (
          <Space>
            <Select
              size="small"
              data-testid="attachment-purpose"
              aria-label={texts.purpose}
              value={purpose}
              onChange={setPurpose}
              style={{ minWidth: 120 }}
              options={purposes.map((p) => ({ value: p, label: texts.purposes[p] ?? p }))}
            />
            <Upload
              accept={ACCEPT}
              showUploadList={false}
              beforeUpload={(file) => {
                void send(file);
                return false; // sent by send(), not by antd
              }}
            >
              <Button size="small" icon={<UploadOutlined />} loading={sending} data-testid="attachment-upload">
                {texts.upload}
              </Button>
            </Upload>
          </Space>
        ) : null
      }
    >
      <Space direction="vertical" style={{ width: "100%" }}>
        {error ? <ProblemAlert error={error} /> : null}
        {files.error ? <ProblemAlert error={files.error} /> : null}
        <Table<Attachment>
          rowKey="id"
          size="small"
          pagination={false}
          loading={files.isLoading}
          dataSource={files.data ?? []}
          locale={{ emptyText: <Typography.Text type="secondary">{texts.none}</Typography.Text> }}
          data-testid="attachment-list"
          columns={[
            {
              title: texts.fileName,
              dataIndex: "file_name",
              render: (name: string) => <span data-testid="attachment-name">{name}</span>,
            },
            { title: texts.purpose, dataIndex: "purpose", render: (p: string) => texts.purposes[p] ?? p },
            { title: texts.size, dataIndex: "size_bytes", align: "right", render: fileSize },
            { title: texts.uploadedBy, dataIndex: "uploaded_by" },
            {
              title: texts.uploadedAt,
              dataIndex: "uploaded_at",
              render: (at: string) => dayjs(at).format("YYYY-MM-DD HH:mm"),
            },
            {
              title: "SHA-256",
              dataIndex: "sha256",
              render: (sha: string) => (
                <Typography.Text code copyable={{ text: sha }} style={{ fontSize: 11 }}>
                  {sha.slice(0, 12)}…
                </Typography.Text>
              ),
            },
            {
              key: "download",
              render: (_, row) => (
                <DownloadButton
                  size="small"
                  type="link"
                  data-testid="attachment-download"
                  url={url(service, `${path}/attachments/${row.id}`)}
                  filename={row.file_name}
                  label={texts.download}
                />
              ),
            },
          ]}
        />
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {texts.hint}
        </Typography.Text>
      </Space>
    </Card>
  );
}

/** One zip of a union's files of a year, with index.csv (opens in Excel): the year's 台账. */
export function ArchiveButton({ service, org, year }: { service: Service; org: string; year?: number }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState(year ?? dayjs().year());
  const years = Array.from({ length: 6 }, (_, i) => dayjs().year() - i);
  return (
    <Space data-testid="attachments-archive">
      <Select
        size="small"
        aria-label={t.attachments.archiveYear}
        value={chosen}
        onChange={setChosen}
        options={years.map((y) => ({ value: y, label: `${y}` }))}
      />
      <DownloadButton
        size="small"
        url={url(service, `/v1/organizations/${encodeURIComponent(org)}/attachments/archive`, { year: chosen })}
        filename={`${org}-${chosen}.zip`}
        label={t.attachments.archive}
      />
    </Space>
  );
}
