import { expect, test, type Locator, type Page } from "@playwright/test";
import { account, checkPage, signIn } from "./support";

const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const OFFICER = process.env.UNIONFED_DEMO_SCHOOL_OFFICER ?? "school1-officer";
const HEADER = "姓名,性别,身份证号,手机,工号,入会日期,基本工资";

const rows = (page: Page): Locator => page.getByTestId("members").locator("tbody tr.ant-table-row");

async function searchName(page: Page, name: string) {
  const form = page.getByTestId("member-search");
  await form.getByLabel(/姓名/).fill(name);
  const answered = page.waitForResponse((r) => r.url().includes("/members?") && r.url().includes("name="));
  await form.getByRole("button", { name: /查\s*询/ }).click();
  expect((await answered).status()).toBe(200);
}

async function chooseFile(dialog: Locator, lines: string[]) {
  await dialog.locator("input[type=file]").setInputFiles({
    name: "名册.csv",
    mimeType: "text/csv",
    buffer: Buffer.from([HEADER, ...lines].join("\r\n"), "utf8"),
  });
}

test("a roster with bad rows is refused line by line and imports nothing; the corrected file imports", async ({ page }) => {
  test.slow(); // three dialogs checked by axe-core
  // Names and staff numbers of this run: a rerun against the same platform imports new people.
  const tag = Date.now().toString(36).slice(-5);
  const [jia, yi] = [`导入甲${tag}`, `导入乙${tag}`];
  await signIn(page, account(OFFICER), `/o/${SCHOOL}/members`);
  await expect(page.getByTestId("members-desk")).toBeVisible();

  await page.getByTestId("roster-open").click();
  const dialog = page.getByRole("dialog");
  await chooseFile(dialog, [
    `${jia},女,,,R${tag}1,2020-09-01,4300`,
    `${yi},男,110101199003070012,,R${tag}2,2020-09-01,4300`, // check digit wrong
    `,女,,,R${tag}3,2020-09-01,`, // no name
    `导入丙${tag},女,,,R${tag}4,2020-13-45,`, // no such date
  ]);
  await dialog.getByTestId("roster-check").click();
  const refused = dialog.getByTestId("refused-rows").locator("tbody tr.ant-table-row");
  await expect(refused).toHaveCount(3);
  // Each refusal names its line in the file (the header is line 1) and why, in Chinese.
  for (const [i, [line, reason]] of [[3, /^身份证号：身份证号校验码不符/], [4, /^姓名为空$/], [5, /^入会日期“2020-13-45”不是日期/]].entries()) {
    await expect(refused.nth(i).locator("td").first()).toHaveText(String(line));
    await expect(refused.nth(i).locator("td").nth(1)).toContainText(reason as RegExp);
  }
  await expect(dialog.getByTestId("roster-checked")).toContainText("3 行有误，未导入任何成员");
  await expect(dialog.getByTestId("roster-import-run")).toHaveCount(0);
  await checkPage(page, "roster-refused");
  await dialog.getByRole("button", { name: /close|关闭/i }).first().click();
  await expect(dialog).toBeHidden();
  await searchName(page, jia);
  await expect(rows(page)).toHaveCount(0); // the good row of a refused file was not imported either

  // The corrected file: checked clean, then imported with its progress, then found.
  await page.getByTestId("roster-open").click();
  await chooseFile(dialog, [`${jia},女,,,R${tag}1,2020-09-01,4300`, `${yi},男,,,R${tag}2,2020-09-01,4300`]);
  await dialog.getByTestId("roster-check").click();
  await expect(dialog.getByTestId("roster-checked")).toContainText("将新建 2 名会员");
  await checkPage(page, "roster-checked");
  await dialog.getByTestId("roster-import-run").click();
  await expect(dialog.getByTestId("roster-done")).toContainText("导入完成：新建 2 人");
  await checkPage(page, "roster-imported");
  await dialog.getByTestId("roster-done").getByRole("button", { name: /关\s*闭/ }).click();
  await searchName(page, yi);
  await expect(rows(page)).toHaveCount(1);
  await expect(rows(page).first()).toContainText(`R${tag}2`);

  // The roster downloads as a spreadsheet.
  const downloading = page.waitForEvent("download");
  await page.getByTestId("roster-export").click();
  expect((await downloading).suggestedFilename()).toMatch(/\.xlsx$/);

  // The union's committee terms (换届), read from the same desk.
  await page.getByTestId("committee-open").click();
  const drawer = page.getByTestId("committee-terms");
  await expect(drawer.getByText(/尚未选举委员会|第 \d+ 届委员会/).first()).toBeVisible();
  await checkPage(page, "committee-terms");
});

test("a long roster shows the rows imported so far while the server enrols them", async ({ page }) => {
  test.slow();
  const tag = Date.now().toString(36).slice(-5);
  const total = 400;
  await signIn(page, account(OFFICER), `/o/${SCHOOL}/members`);
  await page.getByTestId("roster-open").click();
  const dialog = page.getByRole("dialog");
  await chooseFile(
    dialog,
    Array.from({ length: total }, (_, i) => `批量${tag}${i},${i % 2 ? "男" : "女"},,,B${tag}${i},2020-09-01,4300`),
  );
  await dialog.getByTestId("roster-check").click();
  await expect(dialog.getByTestId("roster-checked")).toContainText(`将新建 ${total} 名会员`);
  await dialog.getByTestId("roster-import-run").click();
  // The server's own count, streamed as it goes: some rows done, not yet all of them.
  await expect(dialog.getByTestId("roster-steps")).toHaveText(new RegExp(`^正在导入：已处理 ([1-9]\\d{0,2}) / ${total} 行$`));
  await expect(dialog.getByTestId("roster-done")).toContainText(`导入完成：新建 ${total} 人`, { timeout: 120_000 });
  await dialog.getByTestId("roster-done").getByRole("button", { name: /关\s*闭/ }).click();
  await expect(dialog).toBeHidden();
  await searchName(page, `批量${tag}399`);
  await expect(rows(page)).toHaveCount(1);
});
