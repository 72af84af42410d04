import { Tag } from "antd";
import { useI18n } from "../../i18n";

// Solid colours: antd's light presets fall short of 4.5:1 contrast for their text (axe: color-contrast).
const STATUS_COLOURS: Record<string, string> = { draft: "default", published: "#237804", cancelled: "#a8071a" };

export function ActivityStatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag data-testid="activity-status" data-status={status} color={STATUS_COLOURS[status]}>
      {t.activities.statuses[status] ?? status}
    </Tag>
  );
}
