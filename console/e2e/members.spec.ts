import { readFileSync } from "node:fs";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { account, checkPage, pickDay, signIn } from "./support";

const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
// A demo member (deploy/local/demo/roster.py: the fourth of 第一小学's roster) and the school they move to.
const MEMBER = { name: "刘洋", staffNo: "P01004", idTail: "339X", school: "第一小学工会" };
const TARGET_SCHOOL = "实验中学工会";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacter = (first17: string) =>
  "10X98765432"[[...first17].reduce((sum, d, i) => sum + Number(d) * WEIGHTS[i], 0) % 11];

/** A day some weeks ahead, as the console's date pickers show it. */
function daysAhead(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Searches by one field and waits for the service's answer (the table keeps the last page meanwhile). */
async function search(page: Page, field: RegExp, param: string, value: string) {
  const form = page.getByTestId("member-search");
  await form.getByRole("button", { name: /重\s*置/ }).click();
  await form.getByLabel(field).fill(value);
  const answered = page.waitForResponse((r) => r.url().includes("/members?") && r.url().includes(`${param}=`));
  await form.getByRole("button", { name: /查\s*询/ }).click();
  expect((await answered).status()).toBe(200);
}

const rows = (page: Page): Locator => page.getByTestId("members").locator("tbody tr.ant-table-row");

async function pickUnion(page: Page, scope: Locator, label: RegExp, name: string) {
  await scope.getByLabel(label).click();
  await scope.getByLabel(label).fill(name.slice(0, 4));
  await page.locator(".ant-select-dropdown:visible .ant-select-tree-title", { hasText: name }).first().click();
}

async function pickDate(scope: Locator, label: RegExp, day: string) {
  await pickDay(scope.getByLabel(label), day);
}

test("an officer finds a member by name, 工号 and ID tail, opens the card and schedules a transfer", async ({ page }) => {
  test.slow(); // four pages checked by axe-core
  await signIn(page, account(OFFICER));
  await page.getByRole("menuitem", { name: /会员/ }).click();
  await expect(page).toHaveURL(new RegExp(`/o/${COUNTY}/members$`));
  await expect(rows(page).first()).toBeVisible();
  await checkPage(page, "members");

  await search(page, /姓名/, "name", MEMBER.name);
  await expect(rows(page)).toHaveCount(1);
  const row = rows(page).first();
  await expect(row).toContainText(MEMBER.staffNo);
  await expect(row).toContainText(MEMBER.school); // the union's name, not its id
  await expect(row).toContainText(MEMBER.idTail); // officers see the masked number

  await search(page, /工号/, "staff_no", MEMBER.staffNo);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(MEMBER.name);

  await search(page, /身份证后4位/, "id_tail", MEMBER.idTail.toLowerCase());
  await expect(rows(page).filter({ hasText: MEMBER.name })).toHaveCount(1);

  await rows(page).filter({ hasText: MEMBER.name }).getByRole("link", { name: MEMBER.name }).click();
  const card = page.getByTestId("member-card");
  await expect(card).toBeVisible();
  await expect(card.getByTestId("member-union")).toContainText(MEMBER.school);
  await expect(card.getByTestId("member-history")).toContainText("入会");
  // A change left by an earlier run of this test is cancelled first: one pending change per member.
  const scheduled = card.getByTestId("scheduled-change");
  if (await scheduled.count()) {
    await scheduled.getByTestId("cancel-scheduled").click();
    await page.locator(".ant-popconfirm").getByRole("button", { name: /确\s*定|OK/ }).click();
    await expect(scheduled).toHaveCount(0);
  }
  await checkPage(page, "member-card");
  // The 入会申请书, filled in from the roster: a PDF named after the member.
  const [form] = await Promise.all([page.waitForEvent("download"), card.getByTestId("print-application-form").click()]);
  expect(form.suggestedFilename()).toBe(`入会申请书-${MEMBER.name}.pdf`);
  expect(readFileSync(await form.path()).subarray(0, 5).toString()).toBe("%PDF-");

  const day = daysAhead(45);
  await card.getByTestId("open-transfer").click();
  const dialog = page.getByRole("dialog");
  await pickUnion(page, dialog, /调入工会/, TARGET_SCHOOL);
  await pickDate(dialog, /生效日期/, day);
  await checkPage(page, "member-transfer-form");
  await dialog.getByRole("button", { name: /提\s*交/ }).click();
  await expect(dialog).toBeHidden();

  await expect(scheduled).toContainText(`已安排：${day} 起调往 ${TARGET_SCHOOL}`);
  // Scheduled, not applied: still a member of the first school until that day.
  await expect(card.getByTestId("member-union")).toContainText(MEMBER.school);
  await checkPage(page, "member-card-scheduled");

  // Leave the demo as it was: the next run schedules again.
  await scheduled.getByTestId("cancel-scheduled").click();
  await page.locator(".ant-popconfirm").getByRole("button", { name: /确\s*定|OK/ }).click();
  await expect(scheduled).toHaveCount(0);
});

test("the join form refuses bad input with the reason in Chinese and enrols nobody", async ({ page }) => {
  await signIn(page, account(OFFICER), `/o/${COUNTY}/members`);
  await expect(page.getByTestId("members-desk")).toBeVisible();
  const name = `测试${Date.now().toString(36).slice(-5)}`;

  await page.getByTestId("join").click();
  const dialog = page.getByRole("dialog");
  const submit = dialog.getByRole("button", { name: /提\s*交/ });
  await submit.click();
  // The form's own rules, in Chinese: nothing was sent.
  await expect(dialog.getByText("请填写姓名")).toBeVisible();
  await expect(dialog.getByText("请填写所属工会 / 小组")).toBeVisible();

  await pickUnion(page, dialog, /所属工会/, MEMBER.school);
  await dialog.getByLabel(/^姓名/).fill(name);
  await dialog.getByLabel(/身份证号/).fill("34122619900101");
  await submit.click();
  await expect(dialog.getByText(/身份证号须为 18 位/)).toBeVisible();

  // The right shape with a wrong check digit: the service refuses it, in Chinese, with its code.
  const first17 = "34122619900101123";
  const wrong = checkCharacter(first17) === "0" ? "1" : "0";
  await dialog.getByLabel(/身份证号/).fill(first17 + wrong);
  await submit.click();
  const problem = dialog.getByTestId("problem");
  await expect(problem.getByTestId("problem-detail")).toContainText("身份证号校验码不符");
  await expect(problem.getByTestId("problem-code")).toHaveText("id_number_check_digit_wrong");
  await checkPage(page, "member-join-refused");

  await dialog.getByRole("button", { name: /取\s*消/ }).click();
  await search(page, /姓名/, "name", name);
  await expect(page.getByTestId("members").locator(".ant-empty-description")).toHaveText(/暂无数据|No data/);
  await expect(rows(page)).toHaveCount(0);
});
