import { Form, InputNumber, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { shanghaiToday } from "../../api/streetRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { YearArchiveButton } from "../../components/YearArchiveButton";
import { CongressTab } from "./CongressTab";
import { DisclosureTab } from "./DisclosureTab";
import { SpotChecksTab } from "./SpotChecksTab";

/** 督查: the upper union checks the unions under it — their staff congresses, their 校务公开, and spot checks with follow-up. */
export default function ChecksDesk() {
  const { t } = useI18n();
  const s = t.checks;
  const org = useOrg();
  const [year, setYear] = useState(Number(shanghaiToday().slice(0, 4)));
  return (
    <div data-testid="checks-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={2}>{s.desk}</Typography.Title>
        <Space align="start" wrap>
        <YearArchiveButton org={org} year={year} />
        <Form layout="inline">
          <Form.Item label={s.year} htmlFor="checks-year" style={{ margin: 0 }}>
            <InputNumber id="checks-year" min={2000} max={2100} precision={0} value={year} onChange={(v) => v && v >= 2000 && v <= 2100 && setYear(v)} />
          </Form.Item>
        </Form>
        </Space>
      </Space>
      <Tabs
        items={[
          { key: "spot-checks", label: s.spotChecks, children: <SpotChecksTab org={org} /> },
          { key: "congress", label: s.congress, children: <CongressTab org={org} year={year} /> },
          { key: "disclosure", label: s.disclosure, children: <DisclosureTab org={org} year={year} /> },
        ]}
      />
    </div>
  );
}
