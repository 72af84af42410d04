import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { accessToken, account, checkPage, fen, signIn } from "./support";

// The demo's street federation (deploy/local/demo/street_help.py): 送温暖 to six village schools
// (31,000 yuan) and 600 migrant workers (goods worth 16,200 yuan), and 金秋助学 for four students.
const STREET = process.env.UNIONFED_DEMO_STREET ?? "street-fed";
const ADMIN = process.env.UNIONFED_DEMO_STREET_ADMIN ?? "street-admin";
const DEMO_STUDENTS = ["陈思远", "刘小雨", "马俊杰", "杨欣怡"];

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
const year = today.slice(0, 4);
// The demo data stays from run to run: everything this run makes carries its own mark.
const run = Date.now().toString(36);

/** A resident ID number (GB 11643) with its check character: 17 digits of the run, then ISO 7064 MOD 11-2. */
function idNumber(): string {
  const serial = String(Date.now() % 1000).padStart(3, "0");
  const first17 = `510104${2008 + (Date.now() % 5)}0${1 + (Date.now() % 9)}1${Date.now() % 10}${serial}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * weights[i], 0);
  return first17 + "10X98765432"[sum % 11];
}

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

async function choose(page: Page, select: Locator, option: string) {
  await select.click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

async function downloaded(page: Page, testId: string) {
  const saving = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const file = await saving;
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

interface Rollup {
  applications: number;
  approved: number;
  paid_fen: number;
  by_level: { level: string; approved: number }[];
  by_student_kind: { student_kind: string; applications: number }[];
}

test("送温暖 beyond the members: the demo's village schools and migrant workers, a gift to a person recorded, approved and paid, another cancelled", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/help`);
  await expect(page.getByRole("menuitem", { name: /会外帮扶与助学/ })).toBeVisible();
  await expect(page.getByTestId("help-desk")).toBeVisible();
  const rows = page.getByTestId("outside-grants").locator("tbody tr.ant-table-row");

  // The demo: six village schools given 31,000 yuan, paid; 600 migrant workers given goods worth 16,200 yuan.
  const workers = rows.filter({ hasText: "辖区建筑工地农民工" });
  await expect(workers).toHaveCount(1);
  await expect(workers).toContainText("600");
  await expect(workers).toContainText("¥16,200.00");
  await expect(workers.getByTestId("grant-state")).toHaveAttribute("data-state", "paid");
  const filters = page.getByTestId("outside-filters");
  await choose(page, filters.getByLabel("帮扶对象"), "村小");
  await filters.getByRole("button", { name: /查\s*询/ }).click();
  await expect(rows).toHaveCount(6);
  const amounts = await rows.getByTestId("outside-amount").allTextContents();
  expect(amounts.reduce((sum, text) => sum + fen(text), 0)).toBe(3_100_000);
  await expect(rows.locator('[data-testid="grant-state"][data-state="paid"]')).toHaveCount(6);
  await checkPage(page, "help-outside");
  await filters.getByRole("button", { name: /重\s*置/ }).click();

  // A person who is not a member: money and goods at value; a malformed ID number is refused in the form.
  const person = `e2e受助人${run}`;
  const id = idNumber();
  await page.getByTestId("record-outside").click();
  const form = page.getByTestId("record-outside-form");
  await form.getByText("个人（非会员）").click();
  await form.getByLabel("姓名", { exact: true }).fill(person);
  await form.getByLabel("联系电话").fill("13900001111");
  await form.getByLabel("身份证号").fill("12345");
  await form.getByLabel("对象说明").fill("农民工");
  await form.getByLabel("现金（元）").fill("800");
  await page.getByTestId("add-goods").click();
  await form.getByLabel("物品 1", { exact: true }).fill("棉被");
  await form.getByLabel("数量 1", { exact: true }).fill("2");
  await form.getByLabel("单位 1", { exact: true }).fill("床");
  await form.getByLabel("价值（元） 1", { exact: true }).fill("400");
  await expect(page.getByTestId("outside-total")).toHaveText("¥1,200.00");
  await page.getByTestId("record-outside-submit").click();
  await expect(form).toContainText("身份证号为 17 位数字加 1 位校验码");
  await form.getByLabel("身份证号").fill(id);
  await checkPage(page, "help-record-person");
  await page.getByTestId("record-outside-submit").click();
  await expect(form).toBeHidden();

  const given = rows.filter({ hasText: person });
  await expect(given.getByTestId("grant-state")).toHaveAttribute("data-state", "reserved", { timeout: 60_000 });
  await expect(given).toContainText("¥1,200.00");
  await given.getByTestId("approve-outside").click();
  await expect(given.getByTestId("grant-state")).toHaveAttribute("data-state", "paid", { timeout: 60_000 });
  // Who recorded it (a federation admin) sees the person's ID number.
  await given.locator(".ant-table-row-expand-icon").click();
  await expect(page.getByTestId("outside-details").filter({ hasText: id })).toBeVisible();
  await expect(page.getByTestId("outside-details").filter({ hasText: id })).toContainText("棉被 2床");

  // A community's help recorded and, before approval, cancelled with a reason: its hold released.
  const community = `e2e社区${run}`;
  await page.getByTestId("record-outside").click();
  await form.getByLabel("组织名称").fill(community);
  await choose(page, form.getByTestId("organization-kind"), "社区");
  await form.getByLabel("受益人数").fill("30");
  await form.getByLabel("现金（元）").fill("500");
  await page.getByTestId("record-outside-submit").click();
  await expect(form).toBeHidden();
  const cancelled = rows.filter({ hasText: community });
  await expect(cancelled.getByTestId("grant-state")).toHaveAttribute("data-state", "reserved", { timeout: 60_000 });
  await cancelled.getByTestId("cancel-outside").click();
  const reason = page.getByTestId("cancel-outside-form");
  await reason.getByLabel("取消原因").fill("重复登记");
  await checkPage(page, "help-cancel");
  await page.getByTestId("cancel-outside-form-submit").click();
  await expect(reason).toBeHidden();
  await expect(cancelled.getByTestId("grant-state")).toHaveAttribute("data-state", "cancelled", { timeout: 60_000 });
  await checkPage(page, "help-outside-after");
});

test("金秋助学: the demo's scheme and four students paid, the year's roll-up and its Excel, a non-member student applied for and paid", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/help/aid`);
  await expect(page.getByTestId("help-desk")).toBeVisible();
  const rollupPath = `/api/welfare/v1/organizations/${STREET}/student-aid/rollup?year=${year}`;
  const before = await get<Rollup>(page, rollupPath);
  // The demo's four students: two at university (3,000 each), one at college (2,000), one at high school
  // (1,000), 9,000 yuan paid; one a member's child.
  expect(before.applications).toBeGreaterThanOrEqual(4);
  expect(before.paid_fen).toBeGreaterThanOrEqual(900_000);
  expect(before.by_level.find((l) => l.level === "大学本科")?.approved).toBeGreaterThanOrEqual(2);
  expect(before.by_student_kind.find((k) => k.student_kind === "member_child")?.applications).toBeGreaterThanOrEqual(1);

  const scheme = page.getByTestId("aid-schemes").locator("tbody tr.ant-table-row", { hasText: "金秋助学" });
  await expect(scheme).toContainText("大学本科 ¥3,000.00");
  await expect(scheme).toContainText("高中 ¥1,000.00");
  await expect(page.getByTestId("aid-applications-count")).toHaveText(String(before.applications));
  expect(fen((await page.getByTestId("aid-paid-yuan").textContent())!)).toBe(before.paid_fen);
  const byKind = page.getByTestId("aid-by-kind").locator("tbody tr.ant-table-row");
  await expect(byKind.filter({ hasText: "会员子女" })).toHaveCount(1);
  await expect(byKind.filter({ hasText: "非会员学生" })).toHaveCount(1);
  await expect(page.getByTestId("aid-by-level").locator("tbody tr.ant-table-row", { hasText: "大学本科" })).toContainText("¥");

  const rows = page.getByTestId("aid-applications").locator("tbody tr.ant-table-row");
  for (const student of DEMO_STUDENTS) {
    await expect(rows.filter({ hasText: student }).getByTestId("aid-state")).toHaveAttribute("data-state", "paid");
  }
  await expect(rows.filter({ hasText: "陈思远" })).toContainText("会员子女");
  await checkPage(page, "help-aid");

  const sheet = await downloaded(page, "export-aid-xlsx");
  expect(sheet.name).toBe(`助学汇总-某街道总工会-${year}.xlsx`);
  expect(sheet.bytes.subarray(0, 2).toString()).toBe("PK");
  await expect(page.getByTestId("problem")).toHaveCount(0);

  // A non-member student at high school: the level's 1,000 yuan reserved, approved and paid.
  const student = `e2e学生${run}`;
  await page.getByTestId("apply-aid").click();
  const form = page.getByTestId("apply-aid-form");
  await choose(page, form.getByTestId("aid-level"), "高中（¥1,000.00）");
  await form.getByLabel("学生姓名").fill(student);
  await form.getByLabel("身份证号").fill(idNumber());
  await form.getByLabel("学校").fill("区第一中学");
  await checkPage(page, "help-apply");
  await page.getByTestId("apply-aid-submit").click();
  await expect(form).toBeHidden();
  const applied = rows.filter({ hasText: student });
  await expect(applied).toContainText("非会员");
  await expect(applied).toContainText("¥1,000.00");
  await expect(applied.getByTestId("aid-state")).toHaveAttribute("data-state", "reserved", { timeout: 60_000 });
  await applied.getByTestId("approve-aid").click();
  await expect(applied.getByTestId("aid-state")).toHaveAttribute("data-state", "paid", { timeout: 60_000 });

  await expect(page.getByTestId("aid-applications-count")).toHaveText(String(before.applications + 1));
  await expect
    .poll(async () => fen((await page.getByTestId("aid-paid-yuan").textContent()) ?? ""), { timeout: 30_000 })
    .toBe(before.paid_fen + 100_000);
  const after = await get<Rollup>(page, rollupPath);
  expect([after.applications, after.approved, after.paid_fen]).toEqual([
    before.applications + 1,
    before.approved + 1,
    before.paid_fen + 100_000,
  ]);
  await checkPage(page, "help-aid-after");
});
