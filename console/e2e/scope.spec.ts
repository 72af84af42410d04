import { expect, test } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

const OFFICER = process.env.UNIONFED_DEMO_SCHOOL_OFFICER ?? "school1-officer";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const OTHER_SCHOOL = process.env.UNIONFED_DEMO_OTHER_SCHOOL ?? "experimental-middle";

test("a school officer who types another school's address sees the same not-found as for a missing one", async ({ page }) => {
  await signIn(page, account(OFFICER));
  await expect(page).toHaveURL(new RegExp(`/o/${SCHOOL}$`));

  await page.goto(`/o/${OTHER_SCHOOL}/finance/balances`);
  const problem = page.getByTestId("problem");
  await expect(problem).toBeVisible();
  // The detail and the code; the trace id differs per request.
  const shown = async () => `${await problem.getByTestId("problem-detail").innerText()} [${await problem.getByTestId("problem-code").innerText()}]`;
  const forOther = await shown();
  await checkPage(page, "not-found-other-school");

  await page.goto(`/o/no-such-school-${Date.now()}/finance/balances`);
  await expect(problem).toBeVisible();
  const forMissing = await shown();

  expect(forOther.trim().length).toBeGreaterThan(0);
  expect(forOther).toBe(forMissing);
  expect(await problem.getByTestId("problem-detail").innerText()).toMatch(/[\u4e00-\u9fff]/); // Chinese, the default

  // In English the service words the same refusal in English (Accept-Language follows the switch).
  await page.getByRole("button", { name: "English" }).click();
  await page.reload();
  await expect(problem).toBeVisible();
  const inEnglish = await shown();
  expect(await problem.getByTestId("problem-detail").innerText()).not.toMatch(/[\u4e00-\u9fff]/);
  expect(inEnglish).toContain("organization_not_found");
  await page.getByRole("button", { name: /中\s*文/ }).click();
  // Their own books are there.
  await page.goto(`/o/${SCHOOL}/finance/balances`);
  await expect(page.getByTestId("balances")).toBeVisible();
  await expect(page.getByTestId("problem")).toHaveCount(0);
});
