import type { components as membership } from "./membership";

// Statistics reports that roll up (工会月报 / 工会统计年报), as membership's OpenAPI declares them (npm run types).
type M = membership["schemas"];
export type StatisticsReport = M["StatisticsReportOut"];
export type ReportRow = M["ReportRowOut"];
export type ReportForm = M["ReportFormOut"];
export type StatisticsBoard = M["StatisticsBoardOut"];
export type BoardLine = M["StatisticsBoardLineOut"];
export type StatisticsRollup = M["StatisticsRollupOut"];
export type RollupTrace = M["StatisticsTraceOut"];
export type Contribution = M["StatisticsContributionOut"];
export type OpenStatisticsReport = M["OpenStatisticsReport"];
export type FillStatisticsReport = M["FillStatisticsReport"];
export type ReturnStatisticsReport = M["ReturnWithReason"];
export type ReportKind = OpenStatisticsReport["kind"];

/** service_layer/statistics_reports.py: officers fill in and review, auditors read. */
export const REPORT_READERS = ["federation_admin", "union_officer", "auditor"];
export const REPORT_WRITERS = ["federation_admin", "union_officer"];

/** The month before today's (Shanghai), YYYY-MM: the month a monthly report is usually made for. */
export function lastMonth(today: string): string {
  const [y, m] = today.split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

/** A figure as read: fen as yuan with two decimals, counts as they are; null as a dash. */
export function shown(value: number | null | undefined, unit: string): string {
  if (value === null || value === undefined) return "—";
  return unit === "fen" ? `¥${(value / 100).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : String(value);
}

// 报表样式: the federation's export layouts, each version named by its id (the xlsx routes' `layout`).
export type ReportLayout = M["ReportLayoutOut"];
export type DefineReportLayout = M["DefineReportLayout"];
