import { useQuery } from "@tanstack/react-query";
import { Select } from "antd";
import { call } from "../../api/client";
import type { ReportKind, ReportLayout } from "../../api/reportRows";
import { fill } from "../../api/streetRows";
import { useI18n } from "../../i18n";

/**
 * The layout to download a report or roll-up in: the form's own order (the default, "") or a version
 * of one of the federation's export layouts of the same kind (报表样式, newest version first).
 */
export function LayoutPicker({
  org,
  kind,
  value,
  onChange,
  testId,
}: {
  org: string;
  kind: ReportKind;
  value: string;
  onChange: (id: string) => void;
  testId: string;
}) {
  const s = useI18n().t.reports;
  const layouts = useQuery({
    queryKey: ["report-layouts", org],
    queryFn: () => call<ReportLayout[]>("membership", `/v1/organizations/${encodeURIComponent(org)}/report-layouts`),
  });
  const options = [
    { value: "", label: s.formOrder },
    ...(layouts.data ?? [])
      .filter((l) => l.kind === kind)
      .map((l) => ({ value: l.id, label: fill(s.layoutOption, { title: l.title, key: l.key, version: l.version }) })),
  ];
  return (
    <Select
      aria-label={s.layout}
      data-testid={testId}
      style={{ minWidth: 260 }}
      loading={layouts.isFetching}
      value={options.some((o) => o.value === value) ? value : ""}
      onChange={onChange}
      options={options}
    />
  );
}
