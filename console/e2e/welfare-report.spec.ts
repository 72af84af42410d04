import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { accessToken, account, checkPage, signIn } from "./support";

// The county's union officer sees every school's visits; the demo paid the county's special-hardship
// visits in the first half of the year and 第一小学's hardship subsidies in September.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const COUNTY_OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const WELFARE_OFFICER = process.env.UNIONFED_DEMO_WELFARE_OFFICER ?? "school1-welfare";

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
const year = today.slice(0, 4);

interface Organization {
  id: string;
  name: string;
  kind: string;
  parent_id: string | null;
}

/** The API as the signed-in user: JSON, with its status. */
async function api(page: Page, path: string) {
  const token = await accessToken(page);
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${token}`, "Accept-Language": "zh-CN" } });
  expect(response.status(), path).toBe(200);
  return response.json();
}

/** Fen as the console writes yuan (money.ts): ¥1,234.56. */
function yuanText(fen: number): string {
  return `¥${new Intl.NumberFormat("en-US").format(Math.trunc(fen / 100))}.${String(fen % 100).padStart(2, "0")}`;
}

test("the welfare report shows the API's figures with unions by name, and downloads as Excel", async ({ page }) => {
  await signIn(page, account(COUNTY_OFFICER), `/o/${COUNTY}/welfare/report`);
  const totals = page.getByTestId("report-totals");
  await expect(totals).toBeVisible();
  const report = await api(page, `/api/welfare/v1/organizations/${COUNTY}/welfare-report?from=${year}-01-01&to=${year}-12-31`);
  expect(report.grants.length, "the demo's visits of this year").toBeGreaterThan(0);

  await expect(totals.getByTestId("total-visits")).toHaveText(String(report.totals.visits));
  await expect(totals.getByTestId("total-granted")).toHaveText(yuanText(report.totals.granted_fen));
  await expect(totals.getByTestId("total-paid-count")).toHaveText(String(report.totals.grants_paid));
  await expect(totals.getByTestId("total-paid")).toHaveText(yuanText(report.totals.grants_paid_fen));
  await expect(totals.getByTestId("total-welfare-paid")).toHaveText(yuanText(report.totals.welfare_paid_fen));

  // One row a union and visit type, the union by name (a group under its school's), never its id.
  const subtree: Organization[] = await api(page, `/api/membership/v1/organizations/${COUNTY}/subtree`);
  const byId = new Map(subtree.map((o) => [o.id, o]));
  const nameOf = (id: string) => {
    const o = byId.get(id)!;
    const parent = o.kind === "union_group" && o.parent_id ? byId.get(o.parent_id) : undefined;
    return parent ? `${parent.name} / ${o.name}` : o.name;
  };
  const rows = page.getByTestId("report-grants").locator("tr.ant-table-row");
  await expect(rows).toHaveCount(report.grants.length);
  for (const [i, line] of report.grants.entries()) {
    const cells = rows.nth(i).locator("td");
    await expect(cells.nth(0)).toHaveText(nameOf(line.organization_id));
    await expect(cells.nth(1)).toHaveText(line.visit_label);
    await expect(cells.nth(2)).toHaveText(String(line.visits));
    await expect(cells.nth(3)).toHaveText(yuanText(line.granted_fen));
    await expect(cells.nth(5)).toHaveText(yuanText(line.paid_fen));
  }
  await expect(page.getByTestId("report-grants")).not.toContainText(COUNTY);
  await expect(page.getByTestId("report-hardship").locator("tr.ant-table-row")).toHaveCount(report.hardship_files.length);
  await checkPage(page, "welfare-report");

  // The same period as an .xlsx under its Chinese name (an .xlsx is a zip: "PK").
  const [sheet] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-report-xlsx").click()]);
  expect(sheet.suggestedFilename()).toBe(`福利报表-${year}-01-01-${year}-12-31.xlsx`);
  expect(readFileSync(await sheet.path()).subarray(0, 2).toString()).toBe("PK");
});

test("a grant's 慰问金（品）领取单 prints as a PDF under its Chinese name", async ({ page }) => {
  await signIn(page, account(WELFARE_OFFICER), `/o/${SCHOOL}/welfare/grants`);
  const list = await api(page, `/api/welfare/v1/organizations/${SCHOOL}/grants?limit=20`);
  expect(list.items.length, "the demo's subsidies of 第一小学").toBeGreaterThan(0);
  const first = list.items[0];
  const row = page.getByTestId("grants").locator("tr.ant-table-row").first();
  await expect(row).toContainText(first.member_name);
  const [receipt] = await Promise.all([page.waitForEvent("download"), row.getByTestId("print-grant-receipt").click()]);
  expect(receipt.suggestedFilename()).toBe(`慰问金领取单-${first.member_name}-${first.occasion_on}.pdf`);
  expect(readFileSync(await receipt.path()).subarray(0, 5).toString()).toBe("%PDF-");
  await checkPage(page, "welfare-grants-print");
});
