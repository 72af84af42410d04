import { readFile } from "node:fs/promises";
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
  // Names, not ids: the organization and the chart's accounts in the federation's language (Chinese).
  await expect(page.getByTestId("entry-organization")).toHaveText(/\p{Script=Han}/u);
  const lines = page.locator(".ant-table-tbody tr.ant-table-row");
  await expect(lines.first().locator("td").nth(1)).toHaveText(/\p{Script=Han}/u);
  const person = page.getByTestId("trace-person");
  await expect(person).not.toHaveText("—");
  if (actor) {
    // A member is shown by name with the subject beside it; a staff account by its subject.
    const subject = page.getByTestId("trace-subject");
    if (await subject.count()) await expect(subject).toHaveText(actor);
    else await expect(person).toHaveText(actor);
  }
  await expect(page.getByTestId("trace-command")).not.toHaveText("");
  await expect(page.getByTestId("trace").locator(".ant-timeline-item").first()).toBeVisible();
  await checkPage(page, "finance-entry-trace");

  for (const tab of ["balances", "consolidated", "budgets", "disclosure"]) {
    await page.goto(`/o/${COUNTY}/finance/${tab}`);
    await expect(page.getByTestId("finance-desk")).toBeVisible();
    await expect(page.getByTestId("problem")).toHaveCount(0);
    await checkPage(page, `finance-${tab}`);
  }
  // The disclosure as the A4 sheet to post, rendered by finance (the last tab is still open).
  const printing = page.waitForEvent("download");
  await page.getByTestId("download-disclosure-pdf").click();
  const sheet = await printing;
  expect(sheet.suggestedFilename()).toMatch(new RegExp(`^disclosure-${COUNTY}-.*\\.pdf$`));
  expect((await readFile(await sheet.path())).subarray(0, 5).toString()).toBe("%PDF-");
  await page.goto(`/o/${COUNTY}/audit`);
  await expect(page.getByTestId("chains").locator("tbody tr.ant-table-row").first()).toBeVisible();
  // finance re-verifies the county's chain from sequence 1 (GET …/ledger/chain)
  await page.getByTestId(`verify-chain-${COUNTY}`).click();
  await expect(page.getByTestId(`chain-result-${COUNTY}`).getByText(/链完整|Chain intact/)).toBeVisible();

  // Export the signed head, then verify the downloaded file against the live ledger.
  const downloading = page.waitForEvent("download");
  await page.getByTestId(`export-head-${COUNTY}`).click();
  const head = await downloading;
  expect(head.suggestedFilename()).toMatch(new RegExp(`^ledger-head-${COUNTY}-\\d+\\.json$`));
  await page.getByTestId("head-text").fill(await readFile(await head.path(), "utf8"));
  await page.getByTestId("verify-head-button").click();
  await expect(page.getByTestId("head-result").getByText(/未改动|Unchanged/)).toBeVisible();

  await page.getByTestId("reconcile").getByRole("button", { name: /运行对账|Run reconcile/ }).click();
  await expect(page.getByTestId("reconcile-checks").locator("tbody tr.ant-table-row")).toHaveCount(11);
  // The demo's books are untouched: no ledger or account is named at fault.
  await expect(page.getByTestId("reconcile-findings")).toHaveCount(0);
  await expect(page.getByTestId("audit-log")).toBeVisible();
  await checkPage(page, "audit-desk");
});
