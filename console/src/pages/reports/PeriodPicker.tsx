import { DatePicker, Select, Space } from "antd";
import dayjs from "dayjs";
import type { ReportKind } from "../../api/reportRows";
import { useI18n } from "../../i18n";

/** A report's kind (月报 / 年报) and period (a month, or a year). */
export function PeriodPicker({
  kind,
  period,
  onChange,
}: {
  kind: ReportKind;
  period: string;
  onChange: (kind: ReportKind, period: string) => void;
}) {
  const { t } = useI18n();
  const s = t.reports;
  return (
    <Space wrap>
      <Select<ReportKind>
        aria-label={s.kind}
        data-testid="report-kind"
        value={kind}
        style={{ width: 100 }}
        options={[
          { value: "monthly", label: s.kinds.monthly },
          { value: "annual", label: s.kinds.annual },
        ]}
        onChange={(k) => onChange(k, k === "annual" ? period.slice(0, 4) : `${period.slice(0, 4)}-${period.length > 4 ? period.slice(5, 7) : "12"}`)}
      />
      <DatePicker
        aria-label={s.period}
        data-testid="report-period"
        allowClear={false}
        picker={kind === "annual" ? "year" : "month"}
        value={dayjs(kind === "annual" ? `${period}-01-01` : `${period}-01`)}
        onChange={(d) => d && onChange(kind, d.format(kind === "annual" ? "YYYY" : "YYYY-MM"))}
      />
    </Space>
  );
}
