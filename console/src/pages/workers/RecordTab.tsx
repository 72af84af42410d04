import { Space } from "antd";
import { useState } from "react";
import { useI18n } from "../../i18n";
import { MemberPicker } from "../welfare/shared";
import { WorkerRecordCard } from "./WorkerRecordCard";

/** A member found by name, and their worker record with its forms. */
export function RecordTab({ org }: { org: string }) {
  const { t } = useI18n();
  const w = t.workers;
  const [memberId, setMemberId] = useState<string | undefined>();
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <Space wrap>
        <label htmlFor="worker-member">{w.member}</label>
        <MemberPicker org={org} id="worker-member" value={memberId} onChange={setMemberId} />
      </Space>
      {memberId && <WorkerRecordCard memberId={memberId} />}
    </Space>
  );
}
