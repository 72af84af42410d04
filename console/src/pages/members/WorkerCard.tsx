import { WORKER_READERS } from "../../api/workersRows";
import { useSession } from "../../session";
import { WorkerRecordCard } from "../workers/WorkerRecordCard";

/** 用工与职工身份 on the member's page, for those who may read it (officers in scope, auditors). */
export function WorkerCard({ memberId }: { memberId: string }) {
  const { claims } = useSession();
  return WORKER_READERS.includes(claims.role) ? <WorkerRecordCard memberId={memberId} /> : null;
}
