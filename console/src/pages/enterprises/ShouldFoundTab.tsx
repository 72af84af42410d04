import { useQuery } from "@tanstack/react-query";
import { Form, InputNumber, Space } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { Enterprise } from "../../api/streetRows";
import { useSettled } from "../welfare/shared";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { FoundUnion } from "./FoundUnion";
import { EnterpriseTable } from "./RegisterTab";

// membership's SHOULD_FOUND_THRESHOLD: 25 workers.
const DEFAULT_THRESHOLD = 25;

/** 应建未建: enterprises without a union and with at least the threshold's workers, each foundable from its row. */
export function ShouldFoundTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const [typed, setTyped] = useState<number>(DEFAULT_THRESHOLD);
  const threshold = useSettled(typed);
  const [founding, setFounding] = useState<Enterprise | null>(null);
  const list = useQuery({
    queryKey: ["should-found", org, threshold],
    queryFn: () =>
      call<Enterprise[]>("membership", `/v1/organizations/${encodeURIComponent(org)}/enterprises/should-found`, { query: { threshold } }),
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Form layout="inline">
        <Form.Item label={e.threshold} htmlFor="should-found-threshold" tooltip={e.thresholdHint}>
          <InputNumber
            id="should-found-threshold"
            min={1}
            max={100_000}
            precision={0}
            value={typed}
            onChange={(v) => v && setTyped(v)}
          />
        </Form.Item>
      </Form>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <EnterpriseTable rows={list.data ?? []} loading={list.isFetching} mayWrite={mayWrite} onFound={setFounding} testId="should-found" />
      )}
      {founding && <FoundUnion enterprise={founding} onClose={() => setFounding(null)} />}
    </Space>
  );
}
