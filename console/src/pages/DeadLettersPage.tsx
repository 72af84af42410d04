import { useQuery } from "@tanstack/react-query";
import { Segmented, Space, Table, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { deadLettersOfEveryService, type DeadLetter, type DeadLetterStatus } from "../api/deadLetters";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";

const SHOWN = 200; // per service; the counts say how many there are in all

/** The platform operators' view of the four services' dead letters (payloads are never shown). */
export default function DeadLettersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<DeadLetterStatus>("pending");
  const letters = useQuery({ queryKey: ["dead-letters", status], queryFn: () => deadLettersOfEveryService(status, SHOWN) });
  const rows = (letters.data ?? []).flatMap((list) => list.items.map((item) => ({ ...item, service: list.service })));
  const when = (at: string | null) => (at ? dayjs(at).format("YYYY-MM-DD HH:mm:ss") : "—");
  return (
    <div data-testid="dead-letters-page">
      <Typography.Title level={2}>{t.deadLetterList}</Typography.Title>
      <Space direction="vertical" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{t.deadLettersNote}</Typography.Text>
        <Segmented<DeadLetterStatus>
          value={status}
          onChange={setStatus}
          options={[
            { value: "pending", label: t.deadLetters },
            { value: "replayed", label: t.replayedLetters },
            { value: "all", label: t.allLetters },
          ]}
        />
        <ProblemAlert error={letters.error} />
        <Table<DeadLetter & { service: string }>
          data-testid="dead-letters"
          rowKey={(row) => `${row.service}#${row.id}`}
          size="small"
          loading={letters.isLoading}
          dataSource={rows}
          columns={[
            { title: t.deadLetterService, dataIndex: "service" },
            { title: "#", dataIndex: "id", width: 60 },
            {
              title: t.deadLetterSource,
              key: "source",
              render: (_, row) => `${row.topic}/${row.partition}@${row.offset}`,
            },
            { title: t.eventType, dataIndex: "event_type", render: (type: string | null) => type ?? "—" },
            {
              title: t.error,
              dataIndex: "error",
              render: (error: string) => (
                <Tooltip title={error}>
                  <Typography.Text ellipsis style={{ maxWidth: 320 }}>
                    {error}
                  </Typography.Text>
                </Tooltip>
              ),
            },
            { title: t.attempts, dataIndex: "attempts", align: "right" },
            { title: t.firstFailed, dataIndex: "first_failed_at", render: when },
            { title: t.lastFailed, dataIndex: "last_failed_at", render: when },
            {
              title: t.status,
              dataIndex: "status",
              render: (value: string) => <Tag color={value === "pending" ? "#a8071a" : "#237804"}>{value}</Tag>,
            },
          ]}
        />
      </Space>
    </div>
  );
}
