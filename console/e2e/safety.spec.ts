import { readFile } from "node:fs/promises";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickDay, signIn } from "./support";

// The demo's street federation (deploy/local/demo/street*.py) and who keeps and audits its register.
const STREET = process.env.UNIONFED_DEMO_STREET ?? "street-fed";
const ADMIN = process.env.UNIONFED_DEMO_STREET_ADMIN ?? "street-admin";
const AUDITOR = process.env.UNIONFED_DEMO_STREET_AUDITOR ?? "street-auditor";
// street_rights.py: 群监员 in 华东精密机械 (and two more), whose inspection 40 days ago found 灭火器压力不足
// with 10 days to fix it, never fixed: open past its deadline. street_workers.py: 春暖行动 checks this
// year in seven enterprises, 金城建材 (46/48) and 香满楼餐饮 (30/31, migrant 17/18) below 98 %.
const SUPERVISED = "华东精密机械有限公司";
const LATE_HAZARD = "灭火器压力不足";
const BELOW_TARGET = ["金城建材有限公司", "香满楼餐饮有限公司"];

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
const year = today.slice(0, 4);
// The demo data stays from run to run: everything this run makes carries its own mark.
const run = Date.now().toString(36);

function plusDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

// GB 32100-2015: 18 characters of this set, the last a check character over the first 17.
const CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function creditCode(): string {
  let organization = "";
  for (let i = 0; i < 9; i++) organization += CODE_CHARACTERS[Math.floor(Math.random() * CODE_CHARACTERS.length)];
  const first17 = `91310115${organization}`;
  const total = [...first17].reduce((sum, c, i) => sum + CODE_CHARACTERS.indexOf(c) * CODE_WEIGHTS[i], 0);
  return first17 + CODE_CHARACTERS[(31 - (total % 31)) % 31];
}

async function api<T>(page: Page, path: string, body?: unknown): Promise<T> {
  const headers = { Authorization: `Bearer ${await accessToken(page)}` };
  const response = body === undefined ? await page.request.get(path, { headers }) : await page.request.post(path, { headers, data: body });
  expect(response.status(), `${path}: ${await response.text()}`).toBe(body === undefined ? 200 : 201);
  return (await response.json()) as T;
}

/** An enterprise of this run in the street's register, without a union (its 群监员 is a named worker). */
async function registerEnterprise(page: Page, name: string, workers: number): Promise<void> {
  await api(page, `/api/membership/v1/organizations/${STREET}/enterprises`, { name, credit_code: creditCode(), workers });
}

async function chooseEnterprise(page: Page, select: Locator, name: string) {
  await select.click();
  await page.keyboard.type(name);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${name}"]`).click();
}

/** Clicks the button and returns the saved file's name and bytes (an .xlsx is a zip: it starts "PK"). */
async function downloaded(page: Page, testId: string) {
  const saving = page.waitForEvent("download");
  await page.getByTestId(testId).click();
  const file = await saving;
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

interface SafetyRollup {
  inspections: number;
  enterprises_inspected: number;
  hazards_found: number;
  major_found: number;
  fixed: number;
  fixed_in_time: number;
  open: number;
  fixed_in_time_share: { fixed_in_time: number; found: number; percent: number | null };
}

const shareText = (s: SafetyRollup["fixed_in_time_share"]) =>
  `${s.percent === null ? "—" : `${s.percent.toFixed(1)}%`}（${s.fixed_in_time}/${s.found}）`;

test("the street's safety desk shows the demo's roll-up and overdue hazard; a named worker is appointed, inspects, a hazard is fixed in time and counted", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/safety`);
  await expect(page.getByRole("menuitem", { name: /安全生产监督/ })).toBeVisible();
  await expect(page.getByTestId("safety-desk")).toBeVisible();

  // This year's roll-up as the service counts it; the demo's overdue hazard in 华东精密机械.
  const rollupPath = `/api/membership/v1/organizations/${STREET}/safety-rollup?from=${year}-01-01&to=${today}`;
  const before = await api<SafetyRollup>(page, rollupPath);
  await expect(page.getByTestId("stat-inspections")).toHaveText(String(before.inspections));
  await expect(page.getByTestId("stat-hazards-found")).toHaveText(String(before.hazards_found));
  await expect(page.getByTestId("stat-fixed-in-time")).toHaveText(String(before.fixed_in_time));
  await expect(page.getByTestId("stat-in-time-share")).toHaveText(shareText(before.fixed_in_time_share));
  const late = page.getByTestId("safety-overdue").locator("tbody tr.ant-table-row", { hasText: SUPERVISED }).filter({ hasText: LATE_HAZARD });
  await expect(late).toHaveCount(1);
  await expect(late.getByTestId("days-overdue")).toHaveText(/^\d+$/);
  const sheet = await downloaded(page, "export-safety-xlsx");
  expect(sheet.name).toMatch(new RegExp(`^安全生产监督情况-某街道总工会-${year}-01-01.${today}\\.xlsx$`));
  expect(sheet.bytes.subarray(0, 2).toString()).toBe("PK");
  await checkPage(page, "safety-rollup");

  // The demo's 华东精密机械: its inspector from the union's members, and the late hazard still open.
  const desk = page.getByTestId("safety-desk");
  await desk.getByRole("tab", { name: "企业监督" }).click();
  await chooseEnterprise(page, page.getByTestId("safety-enterprise"), SUPERVISED);
  await expect(page.getByTestId("safety-inspectors").locator("tbody tr.ant-table-row").first()).toContainText("会员");
  await expect(page.getByTestId("hazard").filter({ hasText: LATE_HAZARD }).getByTestId("hazard-state")).toHaveText("已逾期");
  await expect(page.getByTestId("hazard").filter({ hasText: "砂轮机防护罩缺失" }).getByTestId("hazard-state")).toContainText("按期整改");
  await checkPage(page, "safety-enterprise-demo");

  // An enterprise of this run, without a union: its 群监员 is a named worker with a mobile (shown masked).
  const enterprise = `e2e安全示范厂-${run}`;
  await registerEnterprise(page, enterprise, 80);
  await page.reload();
  await chooseEnterprise(page, page.getByTestId("safety-enterprise"), enterprise);
  const worker = `周师傅${run.slice(-3)}`;
  await page.getByTestId("appoint-inspector").click();
  const appoint = page.getByTestId("appoint-inspector-form");
  await appoint.getByLabel("姓名").fill(worker);
  await appoint.getByLabel("手机号").fill("1380013");
  await page.getByTestId("appoint-inspector-submit").click();
  await expect(appoint.getByText("请输入 11 位手机号")).toBeVisible();
  await appoint.getByLabel("手机号").fill("13800138000");
  await checkPage(page, "safety-appoint");
  await page.getByTestId("appoint-inspector-submit").click();
  await expect(appoint).toBeHidden();
  const inspectorRow = page.getByTestId("safety-inspectors").locator("tbody tr.ant-table-row", { hasText: worker });
  await expect(inspectorRow).toContainText("138****8000");
  await expect(inspectorRow.getByTestId("inspector-state")).toHaveText("在任");

  // An inspection today with a hazard a week to fix; a deadline before the inspection is refused by the service.
  const hazard = `e2e消防通道堵塞-${run}`;
  await page.getByTestId("record-inspection").click();
  const inspection = page.getByTestId("inspection-form");
  await inspection.getByLabel("检查情况").fill("车间和仓库例行检查");
  await page.getByTestId("add-hazard").click();
  await inspection.getByLabel("隐患描述 1").fill(hazard);
  await pickDay(inspection.locator('input[data-testid="hazard-deadline"]'), plusDays(today, -1));
  await page.getByTestId("inspection-submit").click();
  await expect(page.getByTestId("problem-code")).toHaveText("hazard_deadline_before_inspection");
  await pickDay(inspection.locator('input[data-testid="hazard-deadline"]'), plusDays(today, 7));
  await checkPage(page, "safety-inspection");
  await page.getByTestId("inspection-submit").click();
  await expect(inspection).toBeHidden();
  const found = page.getByTestId("hazard").filter({ hasText: hazard });
  await expect(found.getByTestId("hazard-state")).toHaveText("未整改");

  // Fixed today, within its deadline.
  await found.getByTestId("fix-hazard-open").click();
  await expect(page.getByTestId("fix-hazard-form").locator('input[data-testid="fix-hazard-on"]')).toHaveValue(today);
  await page.getByTestId("fix-hazard-submit").click();
  await expect(page.getByTestId("fix-hazard-form")).toBeHidden();
  await expect(found.getByTestId("hazard-state")).toHaveText(`按期整改 ${today}`);
  await expect(found.getByTestId("fix-hazard-open")).toHaveCount(0);
  await checkPage(page, "safety-enterprise");

  // Retired today.
  await inspectorRow.getByTestId("retire-inspector-open").click();
  await page.getByTestId("retire-inspector-submit").click();
  await expect(inspectorRow.getByTestId("inspector-state")).toHaveText(`已解聘 ${today}`);

  // The roll-up counts one more inspection and one more hazard, fixed in time.
  await desk.getByRole("tab", { name: "汇总与逾期" }).click();
  const after = await api<SafetyRollup>(page, rollupPath);
  expect([after.inspections, after.hazards_found, after.fixed_in_time]).toEqual([
    before.inspections + 1,
    before.hazards_found + 1,
    before.fixed_in_time + 1,
  ]);
  await expect(page.getByTestId("stat-inspections")).toHaveText(String(after.inspections));
  await expect(page.getByTestId("stat-fixed-in-time")).toHaveText(String(after.fixed_in_time));
  await expect(page.getByTestId("stat-in-time-share")).toHaveText(shareText(after.fixed_in_time_share));
});

interface Rate {
  signed: number;
  of: number;
  percent: number | null;
}
interface SigningRollup {
  enterprises_checked: number;
  overall: Rate;
  migrant: Rate;
  below: { enterprise_name: string }[];
}

const rateText = (r: Rate) => `${r.percent === null ? "—" : `${r.percent.toFixed(1)}%`}（${r.signed}/${r.of}）`;

test("春暖行动: the enterprises desk shows the demo's signing rates and the enterprises below 98 %, and a check is recorded", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/enterprises/labour-checks`);
  const rollupPath = `/api/membership/v1/organizations/${STREET}/labour-contract-checks/rollup?from=${year}-01-01&to=${today}&below_per_mille=980`;
  const before = await api<SigningRollup>(page, rollupPath);
  expect(before.below.map((b) => b.enterprise_name)).toEqual(expect.arrayContaining(BELOW_TARGET));
  await expect(page.getByTestId("checks-enterprises")).toHaveText(String(before.enterprises_checked));
  await expect(page.getByTestId("checks-overall")).toHaveText(rateText(before.overall));
  await expect(page.getByTestId("checks-migrant")).toHaveText(rateText(before.migrant));
  const below = page.getByTestId("checks-below").locator("tbody tr.ant-table-row");
  for (const name of BELOW_TARGET) await expect(below.filter({ hasText: name })).toHaveCount(1);
  await expect(below.filter({ hasText: "金城建材有限公司" })).toContainText("95.8%（46/48）");
  const sheet = await downloaded(page, "export-labour-checks-xlsx");
  expect(sheet.name).toMatch(new RegExp(`^劳动合同签订检查情况-某街道总工会-${year}-01-01.${today}\\.xlsx$`));
  expect(sheet.bytes.subarray(0, 2).toString()).toBe("PK");
  await checkPage(page, "labour-checks-rollup");

  // A check in an enterprise of this run: the signed counts that do not add up are refused, then recorded.
  const enterprise = `e2e春暖物流-${run}`;
  await registerEnterprise(page, enterprise, 70);
  await page.reload();
  await chooseEnterprise(page, page.getByTestId("labour-checks-enterprise"), enterprise);
  await page.getByTestId("record-labour-check").click();
  const form = page.getByTestId("labour-check-form");
  await form.getByLabel("检查职工人数").fill("60");
  await form.getByLabel("已签订人数", { exact: true }).fill("30");
  await form.getByLabel("其中农民工人数").fill("40");
  await form.getByLabel("农民工已签订人数").fill("35");
  await page.getByTestId("labour-check-submit").click();
  await expect(page.getByTestId("problem-code")).toHaveText("signed_counts_inconsistent");
  await form.getByLabel("已签订人数", { exact: true }).fill("57");
  await form.getByLabel("农民工已签订人数").fill("38");
  await checkPage(page, "labour-checks-record");
  await page.getByTestId("labour-check-submit").click();
  await expect(form).toBeHidden();
  const row = page.getByTestId("labour-check-rows").locator("tbody tr.ant-table-row");
  await expect(row).toHaveCount(1);
  await expect(row.getByTestId("check-rate")).toHaveText("95.0%（57/60）");
  await expect(row.getByTestId("check-migrant-rate")).toHaveText("95.0%（38/40）");

  // Counted in the roll-up, and below the target.
  const after = await api<SigningRollup>(page, rollupPath);
  expect([after.enterprises_checked, after.overall.signed, after.overall.of]).toEqual([
    before.enterprises_checked + 1,
    before.overall.signed + 57,
    before.overall.of + 60,
  ]);
  await expect(page.getByTestId("checks-enterprises")).toHaveText(String(after.enterprises_checked));
  await expect(page.getByTestId("checks-overall")).toHaveText(rateText(after.overall));
  await expect(below.filter({ hasText: enterprise })).toContainText("95.0%（57/60）");
  await checkPage(page, "labour-checks");
});

test("the street's auditor reads the safety desk and the checks, and changes nothing", async ({ page }) => {
  await signIn(page, account(AUDITOR), `/o/${STREET}/safety/enterprise`);
  await expect(page.getByRole("menuitem", { name: /安全生产监督/ })).toBeVisible();
  await chooseEnterprise(page, page.getByTestId("safety-enterprise"), SUPERVISED);
  await expect(page.getByTestId("hazard").filter({ hasText: LATE_HAZARD })).toHaveCount(1);
  await expect(page.getByTestId("appoint-inspector")).toHaveCount(0);
  await expect(page.getByTestId("record-inspection")).toHaveCount(0);
  await expect(page.getByTestId("fix-hazard-open")).toHaveCount(0);
  await checkPage(page, "safety-auditor");
  await page.goto(`/o/${STREET}/enterprises/labour-checks`);
  await expect(page.getByTestId("checks-below").locator("tbody tr.ant-table-row").first()).toBeVisible();
  await expect(page.getByTestId("record-labour-check")).toHaveCount(0);
});
