import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickDay, signIn } from "./support";

// The demo's county and 第一小学 (deploy/local/demo/county_checks.py): the county checked the
// school's 校务公开 and its follow-up is overdue; the school published its last half-year statement.
const COUNTY = "county-edu";
const SCHOOL = "no1-primary";
const SCHOOL_NAME = "第一小学工会";
const DEMO_CHECK = "第一小学上半年校务公开（经费收支）";

// The demo data stays from run to run: everything this run makes carries its own mark.
const run = Date.now().toString(36);

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

interface Checks {
  items: { id: string; subject_detail: string; status: string; overdue: boolean }[];
}

test("督查: the county records a spot check of a school, the school follows up, the county closes it; the roll-ups", async ({ browser }) => {
  test.setTimeout(300_000);
  const county = await (await browser.newContext()).newPage();
  await signIn(county, account("county-admin"), `/o/${COUNTY}/checks`);
  await expect(county.getByRole("menuitem", { name: /督查/ })).toBeVisible();
  await expect(county.getByTestId("checks-desk")).toBeVisible();

  // The demo's check is listed, flagged overdue; the overdue filter keeps it.
  const rows = county.getByTestId("spot-checks").locator("tbody tr.ant-table-row");
  const demo = rows.filter({ hasText: DEMO_CHECK }).first();
  await expect(demo.getByTestId("spot-check-overdue")).toBeVisible();
  await county.getByTestId("spot-check-overdue-filter").check();
  await expect(rows.filter({ hasText: DEMO_CHECK }).first()).toBeVisible();
  await county.getByTestId("spot-check-overdue-filter").uncheck();
  await checkPage(county, "checks-desk");

  // Record this run's check of 第一小学, follow-up required by today.
  const detail = `e2e 督查 ${run}`;
  await county.getByTestId("record-spot-check").click();
  const form = county.getByTestId("record-spot-check-form");
  await form.getByLabel("单位", { exact: true }).click();
  await form.getByLabel("单位", { exact: true }).fill("第一小学");
  await county.locator(".ant-select-dropdown:visible .ant-select-tree-title", { hasText: SCHOOL_NAME }).first().click();
  await form.getByLabel("督查事项").fill(detail);
  await form.getByLabel("发现问题").fill("教代会提案答复未公示");
  await pickDay(form.locator('input[data-testid="spot-check-due-on"]'), new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()));
  await form.getByTestId("record-spot-check-submit").click();
  await expect(form).toHaveCount(0);
  await county.getByTestId("spot-check-search").fill(run);
  await county.getByTestId("spot-check-search").press("Enter");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByTestId("spot-check-status")).toHaveText("待整改");
  // Not followed up yet: the county cannot close it.
  await expect(rows.first().getByTestId("close-check")).toHaveCount(0);

  // The school follows up on its own desk.
  const school = await (await browser.newContext()).newPage();
  await signIn(school, account("school1-officer"), `/o/${SCHOOL}/checks`);
  const schoolRows = school.getByTestId("spot-checks").locator("tbody tr.ant-table-row");
  const mine = schoolRows.filter({ hasText: detail });
  await mine.getByTestId("follow-up").click();
  await school.getByTestId("spot-check-follow-up-form").getByLabel("整改情况").fill("已在公示栏补充公示提案答复");
  await school.getByTestId("spot-check-step-submit").click();
  await expect(mine.getByTestId("spot-check-status")).toHaveText("已整改待销号");
  await expect(mine.getByTestId("close-check")).toHaveCount(0);

  // The county closes it.
  await county.reload();
  await county.getByTestId("spot-check-search").fill(run);
  await county.getByTestId("spot-check-search").press("Enter");
  await rows.first().getByTestId("close-check").click();
  await county.getByTestId("spot-check-closure-form").getByLabel("销号意见").fill("整改到位");
  await county.getByTestId("spot-check-step-submit").click();
  await expect(rows.first().getByTestId("spot-check-status")).toHaveText("已销号");
  const listed = await get<Checks>(county, `/api/events/v1/organizations/${COUNTY}/spot-checks?q=${run}`);
  expect(listed.items.map((c) => [c.subject_detail, c.status])).toEqual([[detail, "closed"]]);

  // The congress roll-up: every school of the county, answered in time and late.
  await county.getByRole("tab", { name: "教代会情况" }).click();
  await expect(county.getByTestId("checks-congress").locator(`tr[data-org="${SCHOOL}"]`)).toBeVisible();
  await expect(county.getByTestId("congress-total")).toBeVisible();

  // 校务公开: 第一小学 disclosed, and the sheet downloads.
  await county.getByRole("tab", { name: "校务公开情况" }).click();
  const disclosure = county.getByTestId("checks-disclosure");
  await expect(disclosure.locator(`tr[data-org="${SCHOOL}"]`).getByTestId("publication").first()).toBeVisible();
  await expect(disclosure.getByTestId("disclosed-none").first()).toBeVisible();
  const saving = county.waitForEvent("download");
  await county.getByTestId("disclosure-xlsx").click();
  const file = await saving;
  expect(file.suggestedFilename()).toMatch(/^校务公开情况-.+\.xlsx$/);
  const bytes = await readFile((await file.path())!);
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  await checkPage(county, "checks-disclosure");
});
