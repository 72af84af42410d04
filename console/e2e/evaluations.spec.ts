import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickOption, signIn } from "./support";

// The demo's 民主评议 at 第一小学 (deploy/local/demo/evaluations.py): staff and parents' forms, 82.0 %
// returned, submitted to the county; 师德: six of 第一小学's teachers assessed, 中心幼儿园's list submitted.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const SCHOOL = "no1-primary";
const OFFICER = "school1-officer";
const ADMIN = process.env.UNIONFED_DEMO_COUNTY_ADMIN ?? "county-admin";
const DEMO_TITLE = "第一小学领导班子和中层干部民主评议";
const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
const year = today.slice(0, 4);
const run = Date.now().toString(36);

async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

test("a school's officers run an evaluation with codes a parent answers without signing in, and assess 师德", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(OFFICER), `/o/${SCHOOL}/evaluations`);
  await expect(page.getByRole("menuitem", { name: /民主评议与师德/ })).toBeVisible();
  const rows = page.getByTestId("evaluations-table").locator("tbody tr.ant-table-row");
  const demo = rows.filter({ hasText: DEMO_TITLE });
  await expect(demo.getByTestId("evaluation-return-rate")).toContainText("（82.0%）");
  await demo.getByTestId("evaluation-results").click();
  await expect(page.getByTestId("overall-rate")).toContainText("82.0%");
  await expect(page.getByTestId("results-table")).toContainText("校长 张明华");
  await checkPage(page, "evaluations-results");
  await page.keyboard.press("Escape");

  // A new evaluation: drafted with its subject, opened with two parents' codes.
  const title = `e2e民主评议-${run}`;
  await page.getByTestId("new-evaluation").click();
  const draft = page.getByTestId("draft-evaluation-form");
  await draft.getByLabel("评议名称").fill(title);
  await draft.getByTestId("subject-name-0").fill("赵校长");
  await page.getByTestId("draft-evaluation-submit").click();
  await expect(draft).toBeHidden();
  const mine = rows.filter({ hasText: title });
  await mine.getByTestId("evaluation-open").click();
  await page.getByLabel("校外评议表份数（评议码）").fill("2");
  await page.getByTestId("evaluation-open-submit").click();
  await expect(mine).toContainText("评议中");
  await mine.getByTestId("evaluation-codes").click();
  const codes = page.getByTestId("answer-code");
  await expect(codes).toHaveCount(2);
  const code = (await codes.first().textContent())!.trim();
  await checkPage(page, "evaluations-codes");
  await page.keyboard.press("Escape");

  // A parent: no sign-in, the code opens the form, one answer, and the code is then used.
  const parent = await page.context().newPage();
  await parent.goto("/evaluate");
  await parent.getByTestId("outside-code").fill(code.toLowerCase());
  await parent.getByTestId("outside-start").click();
  const subject = parent.getByTestId("outside-subject");
  await expect(subject).toHaveCount(1);
  await subject.getByText("称职", { exact: true }).click();
  await subject.getByLabel("意见建议（可选）").fill("希望多组织教研活动");
  await checkPage(parent, "evaluations-outside-form");
  await parent.getByTestId("outside-send").click();
  await expect(parent.getByTestId("outside-thanks")).toBeVisible();
  await parent.goto(`/evaluate?code=${code}`);
  await parent.getByTestId("outside-start").click();
  await expect(parent.getByTestId("problem-detail")).toContainText("已使用");
  await parent.close();
  await page.reload();
  await expect(rows.filter({ hasText: title }).getByTestId("evaluation-return-rate")).toContainText("1/");

  // 师德: a teacher not yet assessed gets 基本合格, which needs a note.
  await page.getByRole("tab", { name: "师德考核", exact: true }).click();
  const ethics = page.getByTestId("ethics-table").locator("tbody tr.ant-table-row");
  await expect(ethics.first()).toBeVisible();
  const before = await get<{ summary: { assessed: number } }>(
    page,
    `/api/events/v1/organizations/${SCHOOL}/ethics-assessments?year=${year}`,
  );
  expect(before.summary.assessed).toBeGreaterThanOrEqual(6);
  const teacher = ethics.filter({ has: page.getByTestId("ethics-result").filter({ hasText: "未考核" }) }).first();
  const name = (await teacher.getAttribute("data-member"))!;
  await teacher.getByTestId("ethics-assess").click();
  const modal = page.locator(".ant-modal:visible");
  await pickOption(page, modal.getByLabel("考核结果"), "基本合格");
  await page.getByTestId("ethics-assess-submit").click();
  await expect(modal).toContainText("须写明情况说明");
  await modal.getByLabel("情况说明").fill(`e2e 作业批改不及时 ${run}`);
  await page.getByTestId("ethics-assess-submit").click();
  await expect(modal).toBeHidden();
  await expect(page.locator(`tr[data-member="${name}"]`).getByTestId("ethics-result")).toHaveText("基本合格");
  await checkPage(page, "evaluations-ethics");
  const saving = page.waitForEvent("download");
  await page.getByTestId("ethics-xlsx").click();
  const file = await saving;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^师德考核-.+-${year}\\.xlsx$`));
  expect((await readFile(await file.path())).subarray(0, 2).toString()).toBe("PK");
});

test("the county reads the submitted evaluation results and the 师德 roll-up with its Excel", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, account(ADMIN), `/o/${COUNTY}/evaluations`);
  await page.getByRole("tab", { name: "评议结果汇总" }).click();
  const submitted = page.getByTestId("evaluation-rollup").locator("tbody tr.ant-table-row").filter({ hasText: DEMO_TITLE });
  await expect(submitted.getByTestId("rollup-rate")).toContainText("82.0%");
  await expect(submitted).toContainText("第一小学");
  const results = page.waitForEvent("download");
  await page.getByTestId("evaluation-rollup-xlsx").click();
  const resultsFile = await results;
  expect(resultsFile.suggestedFilename()).toMatch(new RegExp(`^民主评议结果汇总-.+-${year}\\.xlsx$`));
  expect((await readFile(await resultsFile.path())).subarray(0, 2).toString()).toBe("PK");

  await page.getByRole("tab", { name: "师德考核汇总" }).click();
  const kindergarten = page.getByTestId("ethics-rollup").locator('tr[data-union="central-kindergarten"]');
  await expect(kindergarten).toContainText("已上报");
  await expect(kindergarten.getByTestId("rollup-not-assessed")).toHaveText("0");
  await checkPage(page, "evaluations-ethics-rollup");
  const saving = page.waitForEvent("download");
  await page.getByTestId("ethics-rollup-xlsx").click();
  const file = await saving;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^师德考核汇总-.+-${year}\\.xlsx$`));
});
