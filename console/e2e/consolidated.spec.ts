import { expect, test } from "@playwright/test";
import { account, accessToken, checkPage, fen, signIn } from "./support";

const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";

test("a county officer sees the consolidated statement equal to the sum of its ledgers", async ({ page }) => {
  await signIn(page, account(OFFICER));
  await page.goto(`/o/${COUNTY}/finance/consolidated`);
  const rows = page.getByTestId("consolidated").locator("tbody tr.ant-table-row");
  await expect(rows.first()).toBeVisible();
  await checkPage(page, "finance-consolidated-county");

  // What the page shows: per account, the combined, eliminated and consolidated amounts.
  const shown = new Map<string, { combined: number; eliminated: number; consolidated: number }>();
  for (const row of await rows.all()) {
    const cells = await row.locator("td").allInnerTexts();
    shown.set(cells[0].trim(), { combined: fen(cells[2]), eliminated: fen(cells[3]), consolidated: fen(cells[4]) });
  }

  // Every ledger of the subtree, asked one by one, added up per account.
  const token = await accessToken(page);
  const headers = { Authorization: `Bearer ${token}` };
  const statement = await (await page.request.get(`/api/finance/v1/organizations/${COUNTY}/ledger/consolidated`, { headers })).json();
  expect(statement.ledgers.length).toBeGreaterThan(1);
  const sums = new Map<string, number>();
  for (const ledger of statement.ledgers) {
    const answer = await page.request.get(`/api/finance/v1/organizations/${ledger.organization_id}/ledger/balances`, { headers });
    expect(answer.ok()).toBeTruthy();
    for (const a of (await answer.json()).accounts) {
      // A ledger's sub-accounts ("2301/<drive>") add up into their account in the statement.
      const code = a.code.split("/")[0];
      sums.set(code, (sums.get(code) ?? 0) + a.balance_fen);
    }
  }
  let nonZero = 0;
  for (const [code, sum] of sums) {
    const row = shown.get(code);
    if (sum === 0 && !row) continue;
    expect(row, `account ${code} on the page`).toBeDefined();
    expect(row!.combined, `account ${code}: combined = sum of the ledgers`).toBe(sum);
    expect(row!.consolidated, `account ${code}: consolidated = combined − eliminated`).toBe(row!.combined - row!.eliminated);
    if (sum !== 0) nonZero += 1;
  }
  expect(nonZero).toBeGreaterThan(0);

  // A money command answered 202: pending, then settled or refused, live on the page.
  await page.goto(`/o/${COUNTY}/finance/entries`);
  await page.getByTestId("entries").locator("tbody tr.ant-table-row").first().getByRole("button", { name: /冲销此凭证|Reverse this entry/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/原因|Reason/).fill("浏览器测试：录入错误");
  await dialog.getByRole("button", { name: /冲销此凭证|Reverse this entry/ }).click();
  const status = page.getByTestId("money-status");
  await expect(status).toBeVisible();
  await expect(status).toContainText(/已入账|已拒绝|Settled|Refused/, { timeout: 60_000 });
  await checkPage(page, "finance-reversal-settled");
});
