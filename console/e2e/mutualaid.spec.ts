import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { accessToken, account, checkPage, fen, signIn } from "./support";

// The demo street (deploy/local/demo/street_help.py): 华东精密's union keeps a mutual-aid fund its
// members paid into (12 × 500 yuan), lent 3,000 yuan over 6 months 75 days before the demo was
// loaded, the first instalment repaid and the second overdue.
const STREET = process.env.UNIONFED_DEMO_STREET ?? "street-fed";
const ADMIN = process.env.UNIONFED_DEMO_STREET_ADMIN ?? "street-admin";
const FUND_UNION = "jh-machinery";
const DEMO_PURPOSE = "家属住院医疗费周转";
// The demo data stays from run to run: everything this run makes carries its own mark.
const run = Date.now().toString(36);

interface Figures {
  contributed_fen: number;
  lent_fen: number;
  repaid_fen: number;
  outstanding_fen: number;
  available_fen: number;
  overdue_fen: number;
}
interface Statement {
  own: Figures;
  subtree: Figures;
}
interface Member {
  id: string;
  display_name: string;
}

/** The API as the signed-in user. */
async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

const statementOf = (page: Page, org: string) => get<Statement>(page, `/api/welfare/v1/organizations/${org}/mutual-aid/statement`);

/** The figure's fen as the desk shows it in yuan. */
async function shown(figure: Locator): Promise<number> {
  return fen((await figure.textContent()) ?? "");
}

/** On the street's desk, chooses 华东精密's union by name in the union picker. */
async function chooseFund(page: Page): Promise<string> {
  await expect(page.getByRole("menuitem", { name: /互助金/ })).toBeVisible();
  await expect(page.getByTestId("mutual-aid-desk")).toBeVisible();
  const subtree = await get<{ id: string; name: string }[]>(page, `/api/membership/v1/organizations/${STREET}/subtree`);
  const union = subtree.find((o) => o.id === FUND_UNION)!;
  await page.getByLabel("工会", { exact: true }).click();
  await page.getByLabel("工会", { exact: true }).fill(union.name.slice(0, 4));
  await page.locator(".ant-select-dropdown:visible .ant-select-tree-title", { hasText: union.name }).first().click();
  await expect(page.getByTestId("fund-statement")).toContainText(union.name);
  return union.name;
}

async function confirmPopup(page: Page) {
  await page.locator(".ant-popconfirm:visible").getByRole("button", { name: /确\s*定/ }).click();
}

test("the street's admin reads the demo fund, its loan's schedule and the overdue instalment, downloads the statement, and records a contribution finance books", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/mutual-aid`);
  // Every fund of the street together, a line per union.
  const street = await statementOf(page, STREET);
  await expect(page.getByTestId("funds").locator("tbody tr.ant-table-row").first()).toBeVisible();
  expect(street.subtree.contributed_fen).toBeGreaterThanOrEqual(12 * 500_00);
  await expect.poll(async () => shown(page.getByTestId("fund-contributed"))).toBe((await statementOf(page, STREET)).subtree.contributed_fen);
  await checkPage(page, "mutualaid-street");

  const unionName = await chooseFund(page);
  const before = await statementOf(page, FUND_UNION);
  expect(before.own.lent_fen).toBeGreaterThanOrEqual(3_000_00);
  await expect.poll(async () => shown(page.getByTestId("fund-available"))).toBe(before.own.available_fen);
  expect(await shown(page.getByTestId("fund-outstanding"))).toBe(before.own.outstanding_fen);
  expect(await shown(page.getByTestId("fund-overdue"))).toBe(before.own.overdue_fen);
  expect(before.own.overdue_fen).toBeGreaterThan(0); // the demo loan's second instalment

  // The demo loan: 3,000 yuan over 6 months, being repaid; its schedule and its first repayment.
  const loan = page.getByTestId("loans").locator("tbody tr.ant-table-row", { hasText: DEMO_PURPOSE }).first();
  await expect(loan.getByTestId("loan-amount")).toHaveText("¥3,000.00");
  await expect(loan.getByTestId("loan-status")).toHaveAttribute("data-status", "lent");
  await expect(loan.getByTestId("finance-status")).toHaveAttribute("data-status", "posted");
  expect(fen((await loan.getByTestId("loan-overdue").textContent())!)).toBeGreaterThan(0);
  const borrower = (await loan.getByTestId("loan-borrower").textContent())!;
  await loan.locator(".ant-table-row-expand-icon").click();
  const detail = page.getByTestId("loan-detail");
  await expect(detail.getByTestId("loan-schedule").locator("tbody tr.ant-table-row")).toHaveCount(6);
  await expect(detail.getByTestId("instalment-overdue").first()).toBeVisible();
  await expect(detail.getByTestId("loan-repayments").locator("tbody tr.ant-table-row").first()).toContainText("¥500.00");
  await checkPage(page, "mutualaid-loans");

  await page.getByTestId("mutual-aid-desk").getByRole("tab", { name: "逾期名单" }).click();
  const late = page.getByTestId("overdue").locator("tbody tr.ant-table-row", { hasText: borrower });
  await expect(late.first()).toBeVisible();
  await expect(late.first()).toContainText(unionName);
  await checkPage(page, "mutualaid-overdue");

  // The statement as a sheet, named in Chinese.
  const saving = page.waitForEvent("download");
  await page.getByTestId("export-statement-xlsx").click();
  const file = await saving;
  expect(file.suggestedFilename()).toMatch(/^互助金收支情况-.+\.xlsx$/);
  expect((await readFile(await file.path())).subarray(0, 2).toString()).toBe("PK");

  // A collection of members' money (no one member named): pending, then booked by finance.
  await page.getByTestId("mutual-aid-desk").getByRole("tab", { name: "缴纳记录" }).click();
  const form = page.getByTestId("record-contribution");
  await form.getByLabel("金额（元）").fill("88.88");
  await form.getByLabel("备注").fill(`e2e集体收缴-${run}`);
  await page.getByTestId("record-contribution-submit").click();
  await expect(page.getByTestId("contribution-recorded")).toBeVisible();
  const paid = page.getByTestId("contributions").locator("tbody tr.ant-table-row", { hasText: `e2e集体收缴-${run}` });
  await expect(paid.getByTestId("contribution-amount")).toHaveText("¥88.88");
  await expect(paid.getByTestId("finance-status")).toHaveAttribute("data-status", "posted", { timeout: 60_000 });
  await expect.poll(async () => (await statementOf(page, FUND_UNION)).own.contributed_fen).toBe(before.own.contributed_fen + 88_88);
  await expect.poll(async () => shown(page.getByTestId("fund-contributed")), { timeout: 30_000 }).toBe(before.own.contributed_fen + 88_88);
  await checkPage(page, "mutualaid-contributions");
});

test("a loan beyond the booked money is refused in Chinese and rejected with a reason; a small one is lent, booked and repaid", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/mutual-aid`);
  await chooseFund(page);
  const members = (await get<{ items: Member[] }>(page, `/api/membership/v1/organizations/${FUND_UNION}/members?status=active&limit=200`)).items;
  const member = members.find((m) => members.filter((o) => o.display_name.includes(m.display_name)).length === 1)!;
  const { own } = await statementOf(page, FUND_UNION);

  async function apply(amountYuan: string, months: number, purpose: string) {
    await page.getByTestId("apply-loan").click();
    const form = page.getByTestId("apply-loan-form");
    await form.getByLabel("借款会员").click();
    await page.keyboard.type(member.display_name);
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${member.display_name}（"]`).first().click();
    await form.getByLabel("金额（元）").fill(amountYuan);
    await form.getByTestId("loan-months").click();
    await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${months} 个月"]`).click();
    await form.getByLabel("用途").fill(purpose);
    return form;
  }

  // More than the fund may lend: applied, then refused at approval, in Chinese; then turned down.
  const tooMuch = `e2e超额借款-${run}`;
  const beyond = ((own.available_fen + 100_00) / 100).toFixed(2);
  const first = await apply(beyond, 6, tooMuch);
  await expect(first.getByTestId("schedule-preview").locator("tbody tr.ant-table-row")).toHaveCount(6);
  await page.getByTestId("apply-loan-submit").click();
  await expect(first).toBeHidden();
  const big = page.getByTestId("loans").locator("tbody tr.ant-table-row", { hasText: tooMuch });
  await expect(big.getByTestId("loan-status")).toHaveAttribute("data-status", "applied");
  await expect(big.getByTestId("loan-borrower")).toHaveText(member.display_name);
  await big.getByTestId("approve-loan").click();
  await confirmPopup(page);
  await expect(page.getByTestId("problem-code")).toHaveText("mutual_aid_fund_insufficient");
  await expect(page.getByTestId("problem-detail")).toContainText("超过互助金现有可借余额");
  await checkPage(page, "mutualaid-refused");
  await big.getByTestId("reject-loan").click();
  await page.getByTestId("reject-loan-form").getByLabel("不批准的理由").fill("超过互助金可借余额，请减少金额后重新申请");
  await page.getByTestId("reject-loan-form-submit").click();
  await expect(big.getByTestId("loan-status")).toHaveAttribute("data-status", "rejected");

  // 200 yuan over two months: two instalments of 100 yuan, lent, booked by finance, then one repaid.
  const small = `e2e小额借款-${run}`;
  const second = await apply("200", 2, small);
  await expect(second.getByTestId("schedule-preview")).toContainText("¥100.00");
  await checkPage(page, "mutualaid-apply");
  await page.getByTestId("apply-loan-submit").click();
  await expect(second).toBeHidden();
  const lent = page.getByTestId("loans").locator("tbody tr.ant-table-row", { hasText: small });
  await lent.getByTestId("approve-loan").click();
  await confirmPopup(page);
  await expect(lent.getByTestId("loan-status")).toHaveAttribute("data-status", "lent");
  await expect(lent.getByTestId("finance-status")).toHaveAttribute("data-status", "posted", { timeout: 60_000 });
  await lent.getByTestId("repay-loan").click();
  const repay = page.getByTestId("repay-loan-form");
  await expect(repay.getByLabel("金额（元）")).toHaveValue("100.00");
  await page.getByTestId("repay-loan-submit").click();
  await expect(repay).toBeHidden();
  await expect(lent.getByTestId("loan-repaid")).toHaveText("¥100.00");
  await expect(lent.getByTestId("loan-outstanding")).toHaveText("¥100.00");
  await lent.locator(".ant-table-row-expand-icon").click();
  const repayment = page.getByTestId("loan-detail").getByTestId("loan-repayments").locator("tbody tr.ant-table-row");
  await expect(repayment).toHaveCount(1);
  await expect(repayment.getByTestId("finance-status")).toHaveAttribute("data-status", "posted", { timeout: 60_000 });
  await expect
    .poll(async () => (await statementOf(page, FUND_UNION)).own.available_fen, { timeout: 60_000 })
    .toBe(own.available_fen - 200_00 + 100_00);
  await checkPage(page, "mutualaid-repaid");
});

test("the street's rights statistics download as a sheet", async ({ page }) => {
  await signIn(page, account(ADMIN), `/o/${STREET}/rights`);
  await expect(page.getByTestId("stat-opened")).toHaveText(/^\d+$/);
  // The demo opened a case at this month's 维权周: the card shows the count the API gives.
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
  const stats = await get<{ opened_at_rights_weeks: number }>(
    page,
    `/api/welfare/v1/organizations/${STREET}/rights-cases/statistics?from=${today.slice(0, 4)}-01-01&to=${today}`,
  );
  expect(stats.opened_at_rights_weeks).toBeGreaterThan(0);
  await expect(page.getByTestId("stat-opened-at-weeks")).toHaveText(String(stats.opened_at_rights_weeks));
  const saving = page.waitForEvent("download");
  await page.getByTestId("export-rights-statistics-xlsx").click();
  const file = await saving;
  expect(file.suggestedFilename()).toMatch(/^维权案件统计-.+\.xlsx$/);
  expect((await readFile(await file.path())).subarray(0, 2).toString()).toBe("PK");
  await expect(page.getByTestId("problem")).toHaveCount(0);
});
