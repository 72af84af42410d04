import { Form, InputNumber, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { shanghaiToday } from "../../api/streetRows";
import { useI18n } from "../../i18n";
import { useOrg, useSubtree } from "../../scope";
import { EthicsRollupTab } from "./EthicsRollupTab";
import { EthicsTab } from "./EthicsTab";
import { EvaluationsTab } from "./EvaluationsTab";
import { RollupTab } from "./RollupTab";

/** 民主评议与师德: evaluations of the union's leaders by staff and parents, their submitted results, and the 师德 list. */
export default function EvaluationsDesk() {
  const e = useI18n().t.evaluations;
  const org = useOrg();
  const subtree = useSubtree();
  const school = subtree.data?.find((o) => o.id === org)?.kind === "grassroots_union";
  const [year, setYear] = useState(Number(shanghaiToday().slice(0, 4)));
  return (
    <div data-testid="evaluations-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={2}>{e.desk}</Typography.Title>
        <Form layout="inline">
          <Form.Item label={e.year} htmlFor="evaluations-year" style={{ margin: 0 }}>
            <InputNumber
              id="evaluations-year"
              min={2000}
              max={2100}
              precision={0}
              value={year}
              onChange={(v) => v && v >= 2000 && v <= 2100 && setYear(v)}
            />
          </Form.Item>
        </Form>
      </Space>
      <Tabs
        items={[
          { key: "evaluations", label: e.evaluationsTab, children: <EvaluationsTab org={org} school={school} /> },
          { key: "rollup", label: e.rollupTab, children: <RollupTab org={org} year={year} /> },
          { key: "ethics", label: e.ethicsTab, children: <EthicsTab org={org} year={year} school={school} /> },
          { key: "ethics-rollup", label: e.ethicsRollupTab, children: <EthicsRollupTab org={org} year={year} /> },
        ]}
      />
    </div>
  );
}
