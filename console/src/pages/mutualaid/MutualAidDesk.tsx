import { Button, Form, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { useOrganizationNames } from "../../api/members";
import { MUTUAL_AID_RECORDERS } from "../../api/mutualAidRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { UnionPicker } from "../members/UnionPicker";
import { ContributionsTab } from "./ContributionsTab";
import { LoansTab } from "./LoansTab";
import { OverdueTab } from "./OverdueTab";
import { StatementCard } from "./StatementCard";

/**
 * 互助金: a union's mutual-aid fund — its statement, the money paid in, the loans with their schedules
 * and repayments, and the overdue instalments. Without a union chosen (a federation's scope) the
 * statement, loans and overdue list cover every fund of the scope; recording needs a union.
 */
export default function MutualAidDesk() {
  const { t } = useI18n();
  const m = t.mutualAid;
  const org = useOrg();
  const { claims } = useSession();
  const { organizations } = useOrganizationNames();
  const here = organizations.find((o) => o.id === org);
  // The union picked here, per scope: changing the scope starts from the scope itself again.
  const [picked, setPicked] = useState<{ scope: string; union?: string }>({ scope: org });
  const chosen = picked.scope === org ? picked.union : undefined;
  const union = chosen ?? (here && here.kind !== "federation" ? org : undefined);
  const target = union ?? org;
  const mayRecord = MUTUAL_AID_RECORDERS.includes(claims.role);
  return (
    <div data-testid="mutual-aid-desk">
      <Typography.Title level={2}>{m.desk}</Typography.Title>
      <Space direction="vertical" style={{ width: "100%" }} size="large">
        {/* Named apart from the picker: antd gives the form its name as id, and the label points at the picker's. */}
        <Form layout="inline" name="mutual-aid-scope" aria-label={m.chooseUnion}>
          <Form.Item label={m.union} htmlFor="mutual-aid-union" extra={m.allUnions} style={{ width: 420 }}>
            <UnionPicker id="mutual-aid-union" value={union} onChange={(value) => setPicked({ scope: org, union: value })} />
          </Form.Item>
          {chosen && (
            <Form.Item>
              <Button data-testid="all-unions" onClick={() => setPicked({ scope: org })}>
                {m.showAll}
              </Button>
            </Form.Item>
          )}
        </Form>
        <StatementCard key={target} target={target} union={union} />
        <Tabs
          destroyInactiveTabPane
          items={[
            { key: "loans", label: m.loans, children: <LoansTab target={target} union={union} mayRecord={mayRecord} /> },
            { key: "contributions", label: m.contributions, children: <ContributionsTab target={target} union={union} mayRecord={mayRecord} /> },
            { key: "overdue", label: m.overdueList, children: <OverdueTab target={target} /> },
          ]}
        />
      </Space>
    </div>
  );
}
