import { Tag } from "antd";
import { useI18n } from "../../i18n";

// Solid colours with white text: antd's light presets fall short of 4.5:1 contrast.
const COLOURS: Record<string, string> = { qualified: "#0050b3", advanced: "#237804", model: "#a8071a" };

export function LevelTag({ level, reviewed }: { level: string | null | undefined; reviewed: boolean }) {
  const { t } = useI18n();
  if (!reviewed) return <span>—</span>;
  if (!level) return <Tag color="#595959" data-testid="home-level">{t.home.notCertified}</Tag>;
  return (
    <Tag color={COLOURS[level]} data-testid="home-level">
      {t.home.levels[level] ?? level}
    </Tag>
  );
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const colour = { draft: "#595959", submitted: "#ad4e00", returned: "#a8071a", reviewed: "#237804" }[status];
  return (
    <Tag color={colour} data-testid="home-status">
      {t.home.statuses[status] ?? status}
    </Tag>
  );
}
