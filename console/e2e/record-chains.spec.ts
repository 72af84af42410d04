import { expect, test } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const AUDITOR = process.env.UNIONFED_DEMO_AUDITOR ?? "county-auditor";

test("an auditor verifies the record chains of membership and events from the audit desk", async ({ page }) => {
  await signIn(page, account(AUDITOR));
  await expect(page).toHaveURL(new RegExp(`/o/${COUNTY}$`));
  await page.goto(`/o/${COUNTY}/audit`);
  await page.getByTestId("verify-record-chains").click();
  // Each service answers for the county's subtree: its verdict and what it checked.
  for (const service of ["membership", "events"]) {
    const result = page.getByTestId(`record-chain-${service}`);
    await expect(result.getByText(/链完整|链已损坏|Chain intact|Chain broken/)).toBeVisible();
    await expect(result.getByText(/已核对|checked/)).toBeVisible();
  }
  await checkPage(page, "audit-record-chains");
});
