import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Segmented, Space, Table, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import type { Service } from "../api/client";
import { deadLettersOfEveryService, replayDeadLetters, type DeadLetter, type DeadLetterStatus } from "../api/deadLetters";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";

const SHOWN = 200; // per service; the counts say how many there are in all

type Row = DeadLetter & { service: Service };
const rowKey = (row: Row) => `${row.service}#${row.id}`;

/** The platform operators' view of the four services' dead letters (payloads are never shown). */
export default function DeadLettersPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<DeadLetterStatus>("pending");
  const letters = useQuery({ queryKey: ["dead-letters", status], queryFn: () => deadLettersOfEveryService(status, SHOWN) });
  const rows: Row[] = (letters.data ?? []).flatMap((list) => list.items.map((item) => ({ ...item, service: list.service as Service })));
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState<Row[]>([]);
  // A replay applies each letter through the consumer again (its inbox makes a second one a no-op);
  // one that fails again stays pending and is counted as still failing.
  const replay = useMutation({
    mutationFn: () => replayDeadLetters(chosen),
    onSuccess: () => {
      setChosen([]);
      void queryClient.invalidateQueries({ queryKey: ["dead-letters"] });
      void queryClient.invalidateQueries({ queryKey: ["dead-letters-pending"] });
    },
  });
  const replayed = replay.data?.reduce((sum, answer) => sum + answer.replayed, 0) ?? 0;
  const stillFailing = replay.data?.reduce((sum, answer) => sum + answer.still_failing, 0) ?? 0;
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
        <Space>
          <Button
            type="primary"
            data-testid="replay-dead-letters"
            disabled={chosen.length === 0}
            loading={replay.isPending}
            onClick={() => replay.mutate()}
          >
            {t.replayChosen(chosen.length)}
          </Button>
        </Space>
        {replay.data && (
          <Alert
            type={stillFailing ? "warning" : "success"}
            showIcon
            data-testid="replay-result"
            message={t.replayResult(replayed, stillFailing)}
          />
        )}
        <ProblemAlert error={replay.error ?? letters.error} />
        <Table<Row>
          data-testid="dead-letters"
          rowKey={rowKey}
          rowSelection={{
            selectedRowKeys: chosen.map(rowKey),
            onChange: (_, selected) => setChosen(selected),
            getCheckboxProps: (row) => ({ disabled: row.status !== "pending", "aria-label": `${row.service} #${row.id}` }),
          }}
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
