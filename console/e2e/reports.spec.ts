import { readFile } from "node:fs/promises";
import { inflateRawSync } from "node:zlib";
import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, signIn } from "./support";

// The demo county (deploy/local/demo/statistics.py): every school opens its monthly report for the
// month before today's, waits for welfare's, events' and finance's sections, submits, and the county
// accepts. Before those services answer (the sections), the reports stay collecting: this spec
// checks what the desk shows against what the service answers, whichever it is.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const ADMIN = process.env.UNIONFED_DEMO_COUNTY_ADMIN ?? "county-admin";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const SCHOOL_OFFICER = process.env.UNIONFED_DEMO_SCHOOL_OFFICER ?? "school1-officer";
const PERIOD = "2026-11"; // the demo's month

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
const [y, m] = today.split("-").map(Number);
const LAST_MONTH = m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;

async function api<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

async function downloaded(page: Page, testId: string) {
  const saving = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const file = await saving;
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

/** One file of an .xlsx (a zip), found through the central directory: its text. */
function zipEntry(bytes: Buffer, name: string): string {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end--;
  let at = bytes.readUInt32LE(end + 16);
  for (let n = bytes.readUInt16LE(end + 10); n > 0; n--) {
    const [method, size, nameLength] = [bytes.readUInt16LE(at + 10), bytes.readUInt32LE(at + 20), bytes.readUInt16LE(at + 28)];
    const [extra, comment, local] = [bytes.readUInt16LE(at + 30), bytes.readUInt16LE(at + 32), bytes.readUInt32LE(at + 42)];
    if (bytes.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, start + size);
      return (method === 8 ? inflateRawSync(data) : data).toString("utf8");
    }
    at += 46 + nameLength + extra + comment;
  }
  throw new Error(`${name} is not in the file`);
}

/** Picks the city's 工会统计月报 layout (the demo's, deploy/local/demo/report_layouts.py) in a layout picker. */
async function chooseCityLayout(page: Page, testId: string) {
  await page.getByTestId(testId).click();
  await page.locator(".ant-select-item-option", { hasText: "city-monthly" }).first().click();
  await expect(page.getByTestId(testId)).toContainText("工会统计月报");
}

interface Board {
  lines: { organization_id: string; name: string; state: string; late: boolean }[];
}
interface Rollup {
  accepted_reports: { organization_id: string }[];
  rows: { code: string; value: number | null }[];
}

test("the county's board and roll-up of the schools' monthly reports, a figure's trace and the Excel sheet", async ({
  page,
}) => {
  test.setTimeout(240_000);
  test.skip(LAST_MONTH !== PERIOD, `the desk opens on last month (${LAST_MONTH}); the demo reported ${PERIOD}`);
  await signIn(page, account(ADMIN), `/o/${COUNTY}/reports/board`);
  await expect(page.getByRole("menuitem", { name: /统计报表/ })).toBeVisible();
  await expect(page.getByTestId("reports-desk")).toBeVisible();

  // The board: every school of the county, in the state the service gives it.
  const board = await api<Board>(page, `/api/membership/v1/organizations/${COUNTY}/statistics-board?kind=monthly&period=${PERIOD}`);
  expect(board.lines.length).toBeGreaterThanOrEqual(36);
  const rows = page.getByTestId("report-board").locator("tbody tr.ant-table-row");
  await expect(rows).toHaveCount(board.lines.length);
  const accepted = board.lines.filter((l) => l.state === "accepted").length;
  await expect(page.getByTestId("board-summary")).toContainText(`已审核 ${accepted}`);
  await checkPage(page, "reports-board");

  // The roll-up: the sum of the accepted reports, each figure traced to the schools it came from.
  await page.getByTestId("reports-desk").getByRole("tab", { name: "汇总" }).click();
  const rollup = await api<Rollup>(page, `/api/membership/v1/organizations/${COUNTY}/statistics-rollup?kind=monthly&period=${PERIOD}`);
  await expect(page.getByTestId("rollup-summary")).toContainText(`汇总 ${rollup.accepted_reports.length} 份已审核报表`);
  const members = rollup.rows.find((r) => r.code === "members");
  if (members) {
    await page.getByTestId("trace-members").click();
    await expect(page.getByTestId("trace-total")).toHaveText(String(members.value ?? 0));
    await expect(page.getByTestId("trace-rows").locator("tbody tr.ant-table-row")).toHaveCount(rollup.accepted_reports.length);
    // The trace is a modal over the desk: closed by its own button before the desk is used again.
    await page.locator(".ant-modal-close").click();
    await expect(page.getByTestId("trace-rows")).toBeHidden();
  }
  const sheet = await downloaded(page, "export-rollup-xlsx");
  expect(sheet.name).toMatch(new RegExp(`^工会月报汇总.*${PERIOD}.*\\.xlsx$`));
  expect(sheet.bytes.subarray(0, 2).toString()).toBe("PK");
  expect(zipEntry(sheet.bytes, "xl/worksheets/sheet1.xml")).toContain("指标代码"); // the form's own order by default

  // In the city's layout: its title over the table (merged), the county's name, 万元 with the stated rounding, numbered rows.
  await chooseCityLayout(page, "rollup-layout");
  const laid = await downloaded(page, "export-rollup-xlsx");
  expect(laid.name).toMatch(new RegExp(`^工会统计月报（汇总）.*${PERIOD}.*\\.xlsx$`));
  const strings = zipEntry(laid.bytes, "xl/worksheets/sheet1.xml"); // openpyxl writes its strings inline
  for (const text of ["工会统计月报", "报告期：2026年11月", "制表机关：某市总工会", "金额单位：万元（四舍五入保留 2 位小数）", "一、", "（三）", "入会率（在职会员/职工人数）", "汇总数", "单位负责人："]) {
    expect(strings).toContain(text);
  }
  expect(strings).toContain("填报单位：");
  expect(strings).toMatch(/<mergeCell ref="A1:D1"\s*\/>/);
  await checkPage(page, "reports-rollup");
});

test("a school's officer sees its own report of the month, with its figures and its Excel sheet", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, account(SCHOOL_OFFICER), `/o/${SCHOOL}/reports/own`);
  const own = page.getByTestId("own-reports").locator("tbody tr.ant-table-row", { hasText: PERIOD });
  await expect(own.first()).toBeVisible();
  await own.first().getByTestId("report-view-open").click();
  await expect(page.getByTestId("report-view")).toBeVisible();
  await expect(page.getByTestId("report-rows").locator("tbody tr", { hasText: "会员人数" }).first()).toBeVisible();
  const one = await downloaded(page, "export-report-xlsx");
  expect(one.bytes.subarray(0, 2).toString()).toBe("PK");
  await chooseCityLayout(page, "report-layout");
  const laid = await downloaded(page, "export-report-xlsx");
  expect(laid.name).toMatch(new RegExp(`^工会统计月报.*${PERIOD}.*第\\d+版\\.xlsx$`));
  expect(zipEntry(laid.bytes, "xl/worksheets/sheet1.xml")).toContain("本期数");
  await checkPage(page, "reports-own");
});
