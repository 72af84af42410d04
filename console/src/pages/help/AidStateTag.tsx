import { Spin, Tag } from "antd";
import { AID_IN_FLIGHT } from "../../api/helpRows";
import { useI18n } from "../../i18n";

// Solid colours for the outcomes, antd's blue for the rest (the light presets fall short of 4.5:1 contrast).
const COLOURS: Record<string, string> = {
  paid: "#237804",
  refused: "#a8071a",
  refused_by_finance: "#a8071a",
};

/** An application and its money in one word (student_aid.display_state). */
export function AidStateTag({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <Tag data-testid="aid-state" data-state={state} color={COLOURS[state] ?? "blue"}>
      {AID_IN_FLIGHT.includes(state) && <Spin size="small" style={{ marginRight: 4 }} />}
      {t.help.aidStates[state] ?? state}
    </Tag>
  );
}
