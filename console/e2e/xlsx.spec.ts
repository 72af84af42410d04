import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { account, signIn } from "./support";

// The demo's county and school, and who reads their reports.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const WELFARE_OFFICER = process.env.UNIONFED_DEMO_WELFARE_OFFICER ?? "school1-welfare";

/** Clicks the button and returns the saved file's name and bytes (an .xlsx is a zip: it starts "PK"). */
async function downloaded(page: Page, testId: string) {
  const saving = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const file = await saving;
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

test("the finance desk exports the consolidated statement and the entries as Excel, named in Chinese", async ({ page }) => {
  await signIn(page, account(OFFICER));
  await page.goto(`/o/${COUNTY}/finance/consolidated`);
  await expect(page.getByTestId("consolidated").locator("tbody tr.ant-table-row").first()).toBeVisible();
  const statement = await downloaded(page, "export-consolidated-xlsx");
  expect(statement.name).toMatch(/^合并报表-.+\.xlsx$/);
  expect(statement.bytes.subarray(0, 2).toString()).toBe("PK");

  await page.goto(`/o/${COUNTY}/finance/entries`);
  await expect(page.getByTestId("entries").locator("tbody tr.ant-table-row").first()).toBeVisible();
  const entries = await downloaded(page, "export-entries-xlsx");
  expect(entries.name).toMatch(/^分录-.+\.xlsx$/);
  expect(entries.bytes.subarray(0, 2).toString()).toBe("PK");
  await expect(page.getByTestId("problem")).toHaveCount(0);
});

test("the welfare desk exports the grants as Excel", async ({ page }) => {
  await signIn(page, account(WELFARE_OFFICER));
  await page.goto(`/o/${SCHOOL}/welfare/grants`);
  await expect(page.getByTestId("grants")).toBeVisible();
  const grants = await downloaded(page, "export-grants-xlsx");
  expect(grants.name).toMatch(/^慰问记录-.+\.xlsx$/);
  expect(grants.bytes.subarray(0, 2).toString()).toBe("PK");
  await expect(page.getByTestId("problem")).toHaveCount(0);
});
