import { FileZipOutlined } from "@ant-design/icons";
import { Alert, Button, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { saveBlob } from "../api/client";
import { combineArchives, fetchArchives, PARTS } from "../api/yearArchive";
import { fill } from "../api/streetRows";
import { useI18n } from "../i18n";
import { ProblemAlert } from "./ProblemAlert";

/**
 * The union's 台账 of a year as ONE zip: the files of its activities, staff congress sessions, grants,
 * vouchers, 职工之家 evidence and spot checks, each under its part's folder, with one index.csv (the
 * part its first column; opens in Excel). Each service's year archive is fetched with the user's token
 * and the zip is made here (see api/yearArchive.ts).
 */
export function YearArchiveButton({ org, year }: { org: string; year?: number }) {
  const { t } = useI18n();
  const y = t.yearArchive;
  const [chosen, setChosen] = useState(year ?? dayjs().year());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ text: string; refused: string[] } | null>(null);
  const theYear = year ?? chosen;
  const years = Array.from({ length: 6 }, (_, i) => dayjs().year() - i);

  const make = async () => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const fetched = await fetchArchives(org, theYear);
      const combined = combineArchives(fetched.archives);
      const name = `${fetched.unionName ?? org}-${theYear}年台账.zip`;
      saveBlob(new Blob([combined.zip as BlobPart], { type: "application/zip" }), name);
      const parts = PARTS.filter((p) => combined.byPart[p])
        .map((p) => `${p} ${combined.byPart[p]}`)
        .join("、");
      setDone({
        text: fill(y.done, { files: combined.files, parts: parts || y.noFiles }),
        refused: fetched.refused.map((s) => y.services[s] ?? s),
      });
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Space direction="vertical" size={4} data-testid="year-archive">
      <Space>
        {year === undefined ? (
          <Select
            size="small"
            aria-label={y.year}
            data-testid="year-archive-year"
            value={chosen}
            onChange={setChosen}
            options={years.map((v) => ({ value: v, label: `${v}` }))}
          />
        ) : null}
        <Button size="small" icon={<FileZipOutlined />} loading={busy} onClick={() => void make()} data-testid="year-archive-download">
          {y.button}
        </Button>
      </Space>
      {error ? <ProblemAlert error={error} /> : null}
      {done ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="year-archive-done">
          {done.text}
        </Typography.Text>
      ) : null}
      {done?.refused.length ? (
        <Alert type="warning" showIcon data-testid="year-archive-refused" message={fill(y.refused, { parts: done.refused.join("、") })} />
      ) : null}
    </Space>
  );
}
