import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, signIn } from "./support";

// The demo's street federation (deploy/local/demo/street*.py) and its admin.
const STREET = process.env.UNIONFED_DEMO_STREET ?? "street-fed";
const ADMIN = process.env.UNIONFED_DEMO_STREET_ADMIN ?? "street-admin";

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
const year = today.slice(0, 4);
// The demo data stays from run to run: everything this run makes carries its own mark.
const run = Date.now().toString(36);

// The placements the demo records this year (street.py PLACEMENTS): employer → people placed.
const DEMO_PLACEMENTS: Record<string, number> = { 恒运物流有限公司: 6, 华东精密机械有限公司: 4, 盛世物业管理有限公司: 9 };

/** The API as the signed-in user. */
async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

interface Rollup {
  by_kind: Record<string, { held: number }>;
  placements: { records: number; people: number; members: number; after_training: number };
}

test("the street's skills and jobs: the demo's placements in the year's roll-up and its Excel, and one more recorded", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/skills`);
  await expect(page.getByRole("menuitem", { name: /技能与就业/ })).toBeVisible();
  await expect(page.getByTestId("skills-desk")).toBeVisible();
  const rollupPath = `/api/events/v1/organizations/${STREET}/skills-rollup?year=${year}`;
  const before = await get<Rollup>(page, rollupPath);
  const demoPeople = Object.values(DEMO_PLACEMENTS).reduce((a, b) => a + b, 0);
  expect(before.placements.people).toBeGreaterThanOrEqual(demoPeople);
  expect(before.placements.records).toBeGreaterThanOrEqual(Object.keys(DEMO_PLACEMENTS).length);
  await expect(page.getByTestId("placed-people")).toHaveText(String(before.placements.people));
  await expect(page.getByTestId("placed-members")).toHaveText(String(before.placements.members));
  await expect(page.getByTestId("placement-records")).toHaveText(String(before.placements.records));
  for (const kind of ["training", "labour_competition", "skill_contest"]) {
    await expect(page.getByTestId("skills-by-kind").locator(`tr[data-kind="${kind}"]`).getByTestId("kind-held")).toHaveText(
      String(before.by_kind[kind].held),
    );
  }

  // The demo's placements are listed; the search keeps the one employer asked for.
  const rows = page.getByTestId("placements").locator("tbody tr.ant-table-row");
  for (const employer of Object.keys(DEMO_PLACEMENTS)) await expect(rows.filter({ hasText: employer }).first()).toBeVisible();
  await page.getByLabel("就业单位、登记单位或备注").fill("恒运物流");
  await expect(rows.filter({ hasText: "华东精密机械有限公司" })).toHaveCount(0);
  await expect(rows.filter({ hasText: "恒运物流有限公司" }).first().getByTestId("placement-people")).toHaveText("6");
  await checkPage(page, "skills-desk");

  // The roll-up as the service's Excel, named in Chinese.
  const saving = page.waitForEvent("download");
  await page.getByTestId("skills-rollup-xlsx").click();
  const file = await saving;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^技能与就业-.+-${year}\\.xlsx$`));
  expect((await readFile(await file.path())).subarray(0, 2).toString()).toBe("PK");

  // Recording: more members than people is refused in the form; then recorded, and counted.
  const employer = `e2e再就业单位-${run}`;
  await page.getByTestId("record-placement").click();
  const form = page.getByTestId("record-placement-form");
  await form.getByLabel("就业单位").fill(employer);
  await form.getByLabel("安置人数").fill("2");
  await form.getByLabel("其中会员人数").fill("3");
  await page.getByTestId("record-placement-submit").click();
  await expect(form).toContainText("其中会员人数不能多于安置人数");
  await form.getByLabel("其中会员人数").fill("1");
  await form.getByLabel("备注").fill("社区招聘会推荐");
  await checkPage(page, "skills-record-placement");
  await page.getByTestId("record-placement-submit").click();
  await expect(form).toBeHidden();

  await expect(page.getByTestId("placed-people")).toHaveText(String(before.placements.people + 2));
  await expect(page.getByTestId("placed-members")).toHaveText(String(before.placements.members + 1));
  await expect(page.getByTestId("placement-records")).toHaveText(String(before.placements.records + 1));
  await page.getByLabel("就业单位、登记单位或备注").fill(employer);
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId("placement-people")).toHaveText("2");
  await expect(rows).toContainText(today);
  await expect(rows).toContainText("社区招聘会推荐");

  // Training and contests are activities: the desk lists the year's and leads to the activities desk.
  await page.getByTestId("skills-desk").getByRole("tab", { name: "培训与竞赛活动" }).click();
  await expect(page.getByTestId("skill-activities")).toBeVisible();
  await expect(page.getByRole("link", { name: "到活动中心" })).toHaveAttribute("href", `/o/${STREET}/activities`);
  await checkPage(page, "skills-activities");
});

interface Week {
  activity_id: string;
  title: string;
  cancelled: boolean;
  cases_opened: number;
}

test("a rights week made in the activities desk reaches the rights desk; a case opened at it is counted there", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/rights`);
  await expect(page.getByTestId("rights-desk")).toBeVisible();
  const weeksCard = page.getByTestId("rights-weeks");

  // The demo's rights week (street_rights.py), with the case the demo opened at it.
  const weeks = await get<Week[]>(page, `/api/welfare/v1/organizations/${STREET}/rights-weeks`);
  const demo = weeks.find((w) => /^\d+月职工维权周$/.test(w.title) && !w.cancelled)!;
  expect(demo, "the demo's rights week").toBeTruthy();
  expect(demo.cases_opened).toBeGreaterThanOrEqual(1);
  await expect(weeksCard.locator(`tr[data-week="${demo.activity_id}"]`).getByTestId("week-cases")).toHaveText(String(demo.cases_opened));
  await checkPage(page, "rights-weeks");

  // A week of this run's own, made where activities are made: its kind is offered in Chinese.
  const title = `e2e维权周-${run}`;
  await page.goto(`/o/${STREET}/activities`);
  await page.getByTestId("new-activity").click();
  const create = page.getByTestId("create-activity");
  await create.getByLabel("活动名称", { exact: true }).fill(title);
  await create.getByTestId("activity-kind").click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="维权周"]').click();
  await page.getByTestId("create-activity-submit").click();
  await expect(page).toHaveURL(/\/activities\/[0-9a-f-]{36}$/);
  await page.getByTestId("publish-activity").click();
  await expect(page.getByTestId("activity-status")).toHaveAttribute("data-status", "published");

  // Welfare hears of it through Kafka: the rights desk shows it once it has.
  await page.goto(`/o/${STREET}/rights`);
  const weekRow = weeksCard.locator("tbody tr.ant-table-row", { hasText: title });
  await expect(async () => {
    await page.reload();
    await expect(weekRow).toHaveCount(1, { timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(weekRow.getByTestId("week-cases")).toHaveText("0");

  // Opened at the week: the month field gives way to it, and the week counts the case.
  const employer = `e2e维权周咨询单位-${run}`;
  await page.getByTestId("open-case").click();
  const form = page.getByTestId("open-case-form");
  await form.getByLabel("用人单位", { exact: true }).fill(employer);
  await form.getByLabel("诉求金额（元）").fill("3000");
  await form.getByTestId("case-rights-week").click();
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: title }).click();
  await expect(form.getByLabel("维权周（年-月）")).toBeDisabled();
  await page.getByTestId("add-non-member").click();
  await form.getByLabel("姓名 1").fill("王五");
  await form.getByLabel("电话 1").fill("13900000001");
  await checkPage(page, "rights-open-case-at-week");
  await page.getByTestId("open-case-submit").click();
  await expect(form).toBeHidden();
  await expect(weekRow.getByTestId("week-cases")).toHaveText("1");

  // The week's cases: only this one.
  await weekRow.getByTestId("week-show-cases").click();
  await expect(page.getByTestId("week-filter")).toContainText(title);
  const cases = page.getByTestId("rights-cases").locator("tbody tr.ant-table-row");
  await expect(cases).toHaveCount(1);
  await expect(cases).toContainText(employer);
  await checkPage(page, "rights-week-cases");
  await page.getByTestId("week-filter").getByRole("button", { name: "显示全部案件" }).click();
  await expect(page.getByTestId("week-filter")).toHaveCount(0);
});
