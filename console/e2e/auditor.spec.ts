import { expect, test } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const AUDITOR = process.env.UNIONFED_DEMO_AUDITOR ?? "county-auditor";

test("an auditor signs in, opens an entry and follows its trace to the person", async ({ page }) => {
  await signIn(page, account(AUDITOR));
  await expect(page).toHaveURL(new RegExp(`/o/${COUNTY}$`));
  await expect(page.getByTestId("dashboard")).toBeVisible();
  await checkPage(page, "dashboard");

  await page.goto(`/o/${COUNTY}/finance/entries`);
  const rows = page.getByTestId("entries").locator("tbody tr.ant-table-row");
  await expect(rows.first()).toBeVisible();
  await checkPage(page, "finance-entries");
  const first = rows.first();
  const actor = (await first.locator("td").nth(4).innerText()).trim();
  const description = (await first.locator("td").nth(2).innerText()).trim();
  await first.getByRole("link").click();

  await expect(page.getByTestId("entry-page")).toBeVisible();
  await expect(page.getByRole("heading", { level: 2 })).toContainText(description);
  const person = page.getByTestId("trace-person");
  await expect(person).not.toHaveText("—");
  if (actor) await expect(person).toHaveText(actor);
  await expect(page.getByTestId("trace-command")).not.toHaveText("");
  await expect(page.getByTestId("trace").locator(".ant-timeline-item").first()).toBeVisible();
  await checkPage(page, "finance-entry-trace");

  for (const tab of ["balances", "consolidated", "budgets", "disclosure"]) {
    await page.goto(`/o/${COUNTY}/finance/${tab}`);
    await expect(page.getByTestId("finance-desk")).toBeVisible();
    await expect(page.getByTestId("problem")).toHaveCount(0);
    await checkPage(page, `finance-${tab}`);
  }
  await page.goto(`/o/${COUNTY}/audit`);
  await expect(page.getByTestId("chains").locator("tbody tr.ant-table-row").first()).toBeVisible();
  await page.getByTestId("chains").locator("tbody tr.ant-table-row").first().getByRole("button").click();
  await expect(page.getByTestId("chains").getByText(/链完整|Chain intact/)).toBeVisible();
  await expect(page.getByTestId("audit-log")).toBeVisible();
  await checkPage(page, "audit-desk");
});
