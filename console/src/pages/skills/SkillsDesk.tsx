import { useQueryClient } from "@tanstack/react-query";
import { Button, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { SKILLS_OFFICERS } from "../../api/skillsRows";
import { shanghaiToday } from "../../api/streetRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { ActivitiesTab } from "./ActivitiesTab";
import { PlacementsTab } from "./PlacementsTab";
import { RecordPlacement } from "./RecordPlacement";
import { RollupCard } from "./RollupCard";

/** 技能与就业: the year's training and contests over the scope, and the people its unions helped into work. */
export default function SkillsDesk() {
  const { t } = useI18n();
  const s = t.skills;
  const org = useOrg();
  const { claims } = useSession();
  const client = useQueryClient();
  const [year, setYear] = useState(Number(shanghaiToday().slice(0, 4)));
  const [recording, setRecording] = useState(false);
  const officer = SKILLS_OFFICERS.includes(claims.role);
  return (
    <div data-testid="skills-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={2}>{s.desk}</Typography.Title>
        {officer && (
          <Button type="primary" data-testid="record-placement" onClick={() => setRecording(true)}>
            {s.record}
          </Button>
        )}
      </Space>
      <Space direction="vertical" style={{ width: "100%" }} size="large">
        <RollupCard org={org} year={year} onYear={setYear} />
        <Tabs
          items={[
            { key: "placements", label: s.placements, children: <PlacementsTab org={org} year={year} /> },
            { key: "activities", label: s.activities, children: <ActivitiesTab org={org} year={year} /> },
          ]}
        />
      </Space>
      {recording && (
        <RecordPlacement
          org={org}
          onClose={() => setRecording(false)}
          onRecorded={(placement) => {
            setRecording(false);
            setYear(Number(placement.placed_on.slice(0, 4)));
            void client.invalidateQueries({ queryKey: ["job-placements"] });
            void client.invalidateQueries({ queryKey: ["skills-rollup"] });
          }}
        />
      )}
    </div>
  );
}
