import { expect, test, type Locator } from "@playwright/test";
import { account, checkPage, fen, pickOption, signIn } from "./support";

// deploy/local/demo: 第一小学工会 (no1-primary) and its treasurer; dues at 0.5% collected for October 2026.
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const SCHOOL_NAME = "第一小学工会";
const TREASURER = process.env.UNIONFED_DEMO_SCHOOL_TREASURER ?? "school1-treasurer";

const period = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
const now = new Date();
const THIS_MONTH = period(now);
const LAST_MONTH = period(new Date(now.getFullYear(), now.getMonth() - 1, 1));

const count = async (locator: Locator) => Number(await locator.innerText());

test("a school's treasurer previews last month's dues, collects them and sees what is still owed", async ({ page }) => {
  test.slow(); // four pages checked by axe-core
  await signIn(page, account(TREASURER));
  await page.getByRole("menuitem", { name: /会费/ }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${SCHOOL}/dues$`));
  const desk = page.getByTestId("dues-collection");

  // The preview: who owes the month, who is exempt, the expected total; nothing collected yet.
  await pickOption(page, desk.getByLabel(/月份/), LAST_MONTH);
  const previewed = page.waitForResponse((r) => r.url().includes(`/dues?period=${LAST_MONTH}`));
  await desk.getByTestId("dues-preview").click();
  expect((await previewed).status()).toBe(200);
  const summary = desk.getByTestId("dues-summary");
  await expect(summary).toContainText(`${SCHOOL_NAME} ${LAST_MONTH}`);
  const members = await count(summary.getByTestId("summary-members"));
  const toCollect = await count(summary.getByTestId("summary-to-collect"));
  const paid = await count(summary.getByTestId("summary-paid"));
  const expected = fen(await summary.getByTestId("summary-total").innerText());
  expect(members).toBeGreaterThan(0);
  expect(await count(summary.getByTestId("summary-exempt"))).toBeGreaterThanOrEqual(0);
  await expect(desk.getByTestId("dues-members").locator("tbody tr.ant-table-row").first()).toBeVisible();
  await checkPage(page, "dues-preview");

  const run = desk.getByTestId("dues-run");
  if (toCollect > 0) {
    expect(expected).toBeGreaterThan(0);
    await expect(run).toContainText(`${toCollect} 人`);
    await run.click();
    // The result is what the preview said; the preview, asked again, has nobody left to collect.
    const result = desk.getByTestId("dues-result");
    await expect(result.getByTestId("result-collected")).toHaveText(String(toCollect));
    expect(fen(await result.getByTestId("result-total").innerText())).toBe(expected);
    await expect(result.getByTestId("result-paid")).toHaveText(String(paid));
  }
  // Collected (now, or by an earlier run against the same platform): nothing left to take.
  await expect(summary.getByTestId("summary-to-collect")).toHaveText("0");
  await expect(summary.getByTestId("summary-paid")).toHaveText(String(paid + toCollect));
  await expect(run).toBeDisabled();
  await checkPage(page, "dues-collected");

  // Arrears: the school's sum, and its members with the months they have not paid (this month at least).
  await page.getByRole("tab", { name: "欠缴" }).click();
  const arrears = page.getByTestId("dues-arrears");
  await expect(arrears.getByTestId("arrears-unions").locator("tbody tr.ant-table-row").first()).toContainText(SCHOOL_NAME);
  const owing = arrears.getByTestId("arrears-members").locator("tbody tr.ant-table-row");
  await expect(owing.first()).toContainText(THIS_MONTH);
  expect(fen(await arrears.getByTestId("arrears-total").innerText())).toBeGreaterThan(0);
  const downloading = page.waitForEvent("download");
  await arrears.getByTestId("arrears-export").click();
  expect((await downloading).suggestedFilename()).toMatch(/会费欠缴.*\.xlsx$/);
  await checkPage(page, "dues-arrears");
  // A member's card says the same, from the member's own arrears.
  const first = owing.first().getByRole("link");
  const name = await first.innerText();
  await first.click();
  await expect(page.getByTestId("member-card")).toContainText(name);
  await expect(page.getByTestId("member-arrears")).toContainText(THIS_MONTH);
  await page.goBack();
  await expect(page).toHaveURL(/\/dues\/arrears$/);

  // The federation's policy, with its date: 0.5% of the base salary, in force.
  await page.getByRole("tab", { name: "会费标准" }).click();
  const policies = page.getByTestId("dues-policies").locator("tbody tr.ant-table-row");
  await expect(policies.first()).toContainText("0.5%");
  await expect(page.getByTestId("dues-policies")).toContainText("现行");
  await checkPage(page, "dues-policy");
});
