import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickDay, signIn } from "./support";

// 第一小学 (the demo's school, deploy/local/demo/county_checks.py) records on its finance desk that its
// income and expenditure statement was published to the staff (校务公开); the county's roll-up lists it.
const SCHOOL = "no1-primary";

// The demo data stays from run to run: this run's publication carries its own mark in the note.
const run = Date.now().toString(36);

const shanghai = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);

interface Rollup {
  unions: { organization_id: string; publications: { published_on: string; channel: string; note: string | null }[] }[];
}

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

test("校务公开: the school's officer records a published statement, checked in Chinese before it is sent", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, account("school1-officer"), `/o/${SCHOOL}/finance/disclosure`);
  await expect(page.getByTestId("disclosure-frame")).toBeVisible();
  await page.getByTestId("record-publication").click();
  const form = page.getByTestId("publication-form");
  await expect(form).toBeVisible();

  // The period ends today (the default): a day of publication before it is refused, in Chinese, and nothing is sent.
  const today = shanghai(new Date());
  const yesterday = shanghai(new Date(Date.now() - 86_400_000));
  await pickDay(form.locator('input[data-testid="publication-published-on"]'), yesterday);
  await form.getByTestId("publication-submit").click();
  await expect(form.getByText("公开日期不能早于公开期间的截止日")).toBeVisible();
  await checkPage(page, "finance-publication-form");

  await pickDay(form.locator('input[data-testid="publication-published-on"]'), today);
  await form.getByTestId("publication-channel").click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="教（职）代会"]').click();
  await expect(form.getByTestId("publication-channel")).toContainText("教（职）代会");
  await form.getByTestId("publication-note").fill(`e2e 校务公开 ${run}`);
  await form.getByTestId("publication-submit").click();
  await expect(form).toHaveCount(0);
  await expect(page.getByText(/已登记：.* 的收支情况于 .* 公开/)).toBeVisible();

  const rollup = await get<Rollup>(page, `/api/finance/v1/organizations/${SCHOOL}/disclosure-rollup`);
  const mine = rollup.unions
    .find((u) => u.organization_id === SCHOOL)
    ?.publications.filter((p) => p.note === `e2e 校务公开 ${run}`);
  expect(mine?.map((p) => [p.published_on, p.channel])).toEqual([[today, "staff_congress"]]);
});
