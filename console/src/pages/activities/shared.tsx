import { Tag } from "antd";
import { useI18n } from "../../i18n";

/** A time the service answers with the federation's offset (…+08:00), shown as that wall-clock time. */
export function when(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace("T", " ") : "—";
}

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
