import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, fen, signIn } from "./support";

// 第一小学 and its welfare officer (demo accounts).
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const WELFARE_OFFICER = process.env.UNIONFED_DEMO_WELFARE_OFFICER ?? "school1-welfare";

interface Member {
  id: string;
  display_name: string;
}

/** A working member of the school whose name no other member's contains (so a search finds them alone). */
async function someMember(page: Page): Promise<Member> {
  const token = await accessToken(page);
  const response = await page.request.get(`/api/membership/v1/organizations/${SCHOOL}/members?status=active&limit=200`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(response.status()).toBe(200);
  const members: Member[] = (await response.json()).items;
  const found = members.find((m) => members.filter((o) => o.display_name.includes(m.display_name)).length === 1);
  if (!found) throw new Error(`no member of ${SCHOOL} with a name of their own`);
  return found;
}

const amountOf = async (page: Page, testId: string) => fen(await page.getByTestId(testId).innerText());

test("a welfare officer raises money for a colleague and cannot pay out more than was raised", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(WELFARE_OFFICER));
  const member = await someMember(page);
  await page.goto(`/o/${SCHOOL}/welfare/drives`);
  const title = `为${member.display_name}老师献爱心 ${Date.now().toString(36)}`;
  const code = `e2e-${Date.now().toString(36)}`;

  const create = page.getByTestId("create-drive");
  await create.getByLabel("捐款名称").fill(title);
  await create.getByLabel("编号").fill(code);
  await create.getByTestId("member-picker").click();
  await page.keyboard.type(member.display_name);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${member.display_name}（"]`).first().click();
  await page.getByTestId("create-drive-submit").click();
  await page.getByTestId("drives").getByRole("link", { name: title }).click();
  await expect(page.getByTestId("drive-card")).toContainText(member.display_name);

  const donation = page.getByTestId("record-donation");
  await donation.getByLabel("捐款人").fill("李校长");
  await donation.getByLabel("金额（元）").fill("200");
  await page.getByTestId("record-donation-submit").click();
  await expect(page.getByTestId("donations").locator("tbody tr", { hasText: "李校长" })).toBeVisible();
  await donation.getByLabel("匿名捐款").check();
  await donation.getByLabel("金额（元）").fill("50");
  await page.getByTestId("record-donation-submit").click();
  await expect(page.getByTestId("donations").locator("tbody tr", { hasText: "匿名" })).toBeVisible();
  await expect.poll(() => amountOf(page, "drive-held")).toBe(250_00);

  // More than the drive holds: refused with the reason in Chinese, nothing paid out.
  const disburse = page.getByTestId("disburse");
  await disburse.getByLabel("金额（元）").fill("300");
  await page.getByTestId("disburse-submit").click();
  await expect(disburse.getByTestId("problem")).toContainText("超过本次捐款尚余");
  await expect(page.getByTestId("disbursements").locator("tbody tr.ant-table-row")).toHaveCount(0);
  await disburse.getByLabel("金额（元）").fill("200");
  await page.getByTestId("disburse-submit").click();
  await expect(page.getByTestId("disbursements").locator("tbody tr.ant-table-row")).toHaveCount(1);
  expect(await amountOf(page, "drive-held")).toBe(50_00);
  expect(await amountOf(page, "drive-disbursed")).toBe(200_00);
  await checkPage(page, "welfare-drive");

  await page.goto(`/o/${SCHOOL}/welfare/drives`);
  const row = page.getByTestId("drives").locator("tbody tr", { hasText: title });
  await expect(row).toContainText(code);
  await checkPage(page, "welfare-drives");
});

test("a welfare officer insures the women staff, pays the provider what finance reserved and settles a claim", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(WELFARE_OFFICER));
  await page.goto(`/o/${SCHOOL}/welfare/campaigns`);
  const title = `女职工互助保障 ${Date.now().toString(36)}`;

  const create = page.getByTestId("create-campaign");
  await create.getByTestId("campaign-kind").click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="团体保险"]').click();
  await create.getByLabel("项目名称").fill(title);
  await create.getByLabel("服务机构").fill("县职工互助保障会");
  await create.getByLabel("每人费用（元）").fill("10");
  await create.getByLabel("女职工").check();
  await page.getByTestId("create-campaign-submit").click();
  await page.getByTestId("campaigns").getByRole("link", { name: title }).click();

  // Finance reserves the whole cost; the page follows its answer.
  await expect(page.getByTestId("campaign-money")).toHaveText("已预留", { timeout: 60_000 });
  const enrolled = Number(await page.getByTestId("campaign-enrolled").innerText());
  expect(enrolled).toBeGreaterThan(0);
  expect(await amountOf(page, "campaign-total")).toBe(enrolled * 10_00);
  await expect(page.getByTestId("campaign-members").locator("tbody tr.ant-table-row")).toHaveCount(Math.min(enrolled, 20));
  await checkPage(page, "welfare-campaign");

  await page.getByTestId("pay-campaign").getByLabel("金额（元）").fill(String(enrolled * 10));
  await page.getByTestId("pay-campaign-submit").click();
  await expect(page.getByTestId("campaign-status")).toHaveText("已付款");
  await expect(page.getByTestId("campaign-money")).toHaveText("已付款", { timeout: 60_000 });

  // A claim: filed, reviewed, paid less than claimed.
  const claims = page.getByTestId("claims-card");
  await claims.getByTestId("claim-member").click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option").first().click();
  await claims.getByLabel("申请金额（元）").fill("800");
  await claims.getByLabel("说明").fill("住院治疗");
  await page.getByTestId("file-claim").click();
  const claim = page.getByTestId("claims").locator("tbody tr.ant-table-row").first();
  await expect(claim.getByTestId("claim-status")).toHaveText("已提交");
  await claim.getByRole("button", { name: /审\s*核/ }).click();
  await expect(claim.getByTestId("claim-status")).toHaveText("审核中");
  await claim.getByRole("button", { name: /赔\s*付/ }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("赔付金额（元）").fill("600");
  await page.getByTestId("decision-submit").click();
  await expect(claim.getByTestId("claim-status")).toHaveText("已赔付");
  expect(fen(await claim.locator("td").nth(4).innerText())).toBe(600_00);
  await checkPage(page, "welfare-campaign-claims");
});
