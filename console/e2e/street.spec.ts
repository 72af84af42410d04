import { expect, test, type Locator, type Page } from "@playwright/test";
import { accessToken, account, checkPage, fen, pickDay, signIn } from "./support";

// The county is a federation: it keeps a register of enterprises like a street federation does.
const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const ADMIN = process.env.UNIONFED_DEMO_COUNTY_ADMIN ?? "county-admin";
const OFFICER = process.env.UNIONFED_DEMO_COUNTY_OFFICER ?? "county-officer";
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";

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
function creditCode(): { good: string; bad: string } {
  let organization = "";
  for (let i = 0; i < 9; i++) organization += CODE_CHARACTERS[Math.floor(Math.random() * CODE_CHARACTERS.length)];
  const first17 = `91110105${organization}`;
  const total = [...first17].reduce((sum, c, i) => sum + CODE_CHARACTERS.indexOf(c) * CODE_WEIGHTS[i], 0);
  const check = (31 - (total % 31)) % 31;
  return { good: first17 + CODE_CHARACTERS[check], bad: first17 + CODE_CHARACTERS[(check + 1) % 31] };
}

interface Member {
  id: string;
  display_name: string;
}

/** A working member of the school whose name no other member of it shares (nor contains). */
async function uniqueMember(page: Page): Promise<Member> {
  const members = (await get<{ items: Member[] }>(page, `/api/membership/v1/organizations/${SCHOOL}/members?status=active&limit=200`)).items;
  return members.find((m) => members.filter((o) => o.display_name.includes(m.display_name)).length === 1)!;
}

/** The API as the signed-in user. */
async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

async function choose(page: Page, select: Locator, option: string) {
  await select.click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

interface Rate {
  signed: number;
  of: number;
}
interface Rollup {
  by_kind: { kind: string; workers_covered: number; among_with_union: Rate }[];
}

test("a federation admin registers an enterprise, founds its union and signs its collective contract", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${COUNTY}/enterprises`);
  await expect(page.getByRole("menuitem", { name: /企业建会/ })).toBeVisible();
  const desk = page.getByTestId("enterprises-desk");
  await expect(desk).toBeVisible();
  const foundings = page.getByTestId("foundings-count");
  await expect(foundings).toHaveText(/^\d+$/);
  const foundedBefore = Number(await foundings.textContent());

  // Registering: a code whose check character is wrong is refused by the service, in Chinese.
  const name = `e2e建材有限公司-${run}`;
  const code = creditCode();
  const workers = 5_000 + (Date.now() % 4_000); // also the 应建未建 threshold below: few others reach it
  await page.getByTestId("register-enterprise").click();
  const form = page.getByTestId("register-enterprise-form");
  await form.getByLabel("企业名称").fill(name);
  await form.getByLabel("统一社会信用代码").fill(code.bad);
  await form.getByLabel("职工人数").fill(String(workers));
  await page.getByTestId("register-enterprise-submit").click();
  await expect(page.getByTestId("problem-code")).toHaveText("credit_code_invalid");
  await expect(page.getByTestId("problem-detail")).toContainText("统一社会信用代码须为 18 位");
  await checkPage(page, "enterprises-register-refused");
  await form.getByLabel("统一社会信用代码").fill(code.good);
  await page.getByTestId("register-enterprise-submit").click();
  await expect(form).toBeHidden();

  const search = page.getByTestId("enterprise-search");
  await search.getByLabel("名称或信用代码").fill(code.good);
  await search.getByRole("button", { name: /查\s*询/ }).click();
  const row = page.getByTestId("enterprises").locator("tbody tr.ant-table-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(name);
  await expect(row.getByTestId("enterprise-union")).toHaveText("未建会");
  await checkPage(page, "enterprises-register");

  // 应建未建 at its own threshold; its union founded from the row (today, the name and id proposed).
  await desk.getByRole("tab", { name: "应建未建" }).click();
  await page.getByLabel("职工人数不少于").fill(String(workers));
  const toFound = page.getByTestId("should-found").locator("tbody tr.ant-table-row", { hasText: name });
  await expect(toFound).toHaveCount(1);
  await checkPage(page, "enterprises-should-found");
  await toFound.getByTestId("found-union-open").click();
  await expect(page.getByTestId("found-union").getByLabel("工会名称")).toHaveValue(`${name}工会`);
  await page.getByTestId("found-union-submit").click();
  await expect(page.getByTestId("found-union")).toBeHidden();
  await expect(toFound).toHaveCount(0);

  await desk.getByRole("tab", { name: "企业名录" }).click();
  await expect(foundings).toHaveText(String(foundedBefore + 1));
  await search.getByLabel("名称或信用代码").fill(code.good);
  await search.getByRole("button", { name: /查\s*询/ }).click();
  await expect(row.getByTestId("enterprise-union")).toContainText(`${name}工会`);

  // A comprehensive contract with its wage negotiation: the roll-up counts one more signed enterprise.
  const before = await get<Rollup>(page, `/api/membership/v1/organizations/${COUNTY}/collective-contracts/rollup`);
  const anyBefore = before.by_kind.find((k) => k.kind === "any")!;
  const comprehensiveBefore = before.by_kind.find((k) => k.kind === "comprehensive")!;
  await desk.getByRole("tab", { name: "集体合同" }).click();
  const picker = page.getByTestId("contracts-enterprise");
  await picker.click();
  await page.keyboard.type(code.good);
  await page.locator(".ant-select-dropdown:visible .ant-select-item-option", { hasText: name }).click();
  await page.getByTestId("sign-contract").click();
  const contract = page.getByTestId("contract-form");
  await expect(contract.getByLabel("企业方")).toHaveValue(name);
  await contract.getByLabel("协商轮次").fill("3");
  await contract.getByLabel("工资增幅（%）").fill("3.5");
  await pickDay(contract.locator('input[data-testid="contract-valid-until"]'), plusDays(today, 60));
  await checkPage(page, "enterprises-sign-contract");
  await page.getByTestId("contract-submit").click();
  await expect(contract).toBeHidden();
  const signed = page.getByTestId("contracts").locator("tbody tr.ant-table-row");
  await expect(signed).toHaveCount(1);
  await expect(signed).toContainText("综合性集体合同");
  await expect(signed).toContainText("3.5%");

  const rollup = page.getByTestId("contracts-rollup");
  const anyRate = rollup.locator('tr[data-kind="any"]').getByTestId("rate-with-union");
  await expect(anyRate).toHaveAttribute("data-signed", String(anyBefore.among_with_union.signed + 1));
  await expect(anyRate).toHaveAttribute("data-of", String(anyBefore.among_with_union.of));
  await expect(anyRate).toContainText(`（${anyBefore.among_with_union.signed + 1}/${anyBefore.among_with_union.of}）`);
  await expect(anyRate).toContainText("%");
  await expect(rollup.locator('tr[data-kind="comprehensive"]').getByTestId("kind-workers")).toHaveText(
    String(comprehensiveBefore.workers_covered + workers),
  );
  // It ends within 60 days: on the reminder list when asked 90 days ahead.
  await page.getByLabel("天内到期").fill("90");
  const expiring = page.getByTestId("contracts-expiring").locator("tbody tr", { hasText: name });
  await expect(expiring).toHaveCount(1);
  await checkPage(page, "enterprises-contracts");

  // Renewed from the day after it ends, for two more years: off the reminder list, both on record.
  await page.getByTestId("renew-contract").click();
  const renewal = page.getByTestId("contract-form");
  await expect(renewal.getByLabel("起始日期")).toHaveValue(plusDays(today, 61));
  await pickDay(renewal.locator('input[data-testid="contract-valid-until"]'), plusDays(today, 61 + 730));
  await page.getByTestId("contract-submit").click();
  await expect(renewal).toBeHidden();
  await expect(signed).toHaveCount(2);
  await expect(signed.filter({ hasText: "已续订" })).toHaveCount(1);
  await expect(signed.getByTestId("renew-contract")).toHaveCount(1);
  await expect(expiring).toHaveCount(0);

  // The register of every contract, found by the enterprise's name: the first in force, its renewal
  // not yet; in force only, one; the whole filtered list downloads as a workbook.
  const filters = page.getByTestId("contract-register-filters");
  await filters.getByLabel("企业名称").fill(name);
  await filters.getByRole("button", { name: /查\s*询/ }).click();
  const listed = page.getByTestId("contract-register-rows").locator("tbody tr.ant-table-row");
  await expect(listed).toHaveCount(2);
  await expect(listed.locator('[data-state="in_force"]')).toHaveCount(1);
  await expect(listed.locator('[data-state="pending"]')).toHaveText("未生效");
  await choose(page, filters.getByLabel("状态"), "有效");
  await filters.getByRole("button", { name: /查\s*询/ }).click();
  await expect(listed).toHaveCount(1);
  await expect(listed).toContainText(name);
  await expect(listed).toContainText("综合性集体合同");
  await checkPage(page, "enterprises-contract-register");
  const [sheet] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-contracts-xlsx").click()]);
  expect(sheet.suggestedFilename()).toMatch(/^集体合同名录-.+\.xlsx$/);
  await expect(page.getByTestId("problem")).toHaveCount(0);
});

interface Statistics {
  closed: number;
  recovered_fen: number;
}

test("a rights case for a member and a non-member is flagged overdue, handed over, closed with the wage recovered, and counted", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(ADMIN), `/o/${COUNTY}/rights`);
  await expect(page.getByTestId("rights-desk")).toBeVisible();
  const member = await uniqueMember(page);
  const statsPath = `/api/welfare/v1/organizations/${COUNTY}/rights-cases/statistics?from=${year}-01-01&to=${today}`;
  const before = await get<Statistics>(page, statsPath);
  await expect(page.getByTestId("stat-recovered")).toHaveText(/^¥/);
  expect(fen((await page.getByTestId("stat-recovered").textContent())!)).toBe(before.recovered_fen);

  const employer = `e2e欠薪单位-${run}`;
  await page.getByTestId("open-case").click();
  const form = page.getByTestId("open-case-form");
  await form.getByLabel("用人单位", { exact: true }).fill(employer);
  await form.getByLabel("诉求金额（元）").fill("12600");
  // Accepted yesterday with yesterday as its deadline: still at 受理 today, so overdue (kept in
  // this year's statistics: on 1 January the case is accepted today, with the default deadline).
  const backDated = today.slice(5) !== "01-01";
  const acceptedOn = backDated ? plusDays(today, -1) : today;
  await pickDay(form.locator('input[data-testid="accepted-on"]'), acceptedOn);
  if (backDated) await pickDay(form.locator('input[data-testid="case-deadline"]'), acceptedOn);
  await page.getByTestId("add-member").click();
  await form.getByLabel("会员 1", { exact: true }).click();
  await page.keyboard.type(member.display_name);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${member.display_name}（"]`).first().click();
  await page.getByTestId("add-non-member").click();
  await form.getByLabel("姓名 1").fill("李四");
  await form.getByLabel("电话 1").fill("13800000000");
  await checkPage(page, "rights-open-case");
  await page.getByTestId("open-case-submit").click();
  await expect(form).toBeHidden();

  const row = page.getByTestId("rights-cases").locator("tbody tr.ant-table-row", { hasText: employer });
  await expect(row.getByTestId("case-stage")).toHaveAttribute("data-stage", "accepted");
  await expect(row).toContainText(backDated ? acceptedOn : plusDays(today, 15)); // the deadline (default: acceptance + 15 days)
  await expect(row.getByTestId("case-overdue")).toHaveCount(backDated ? 1 : 0);
  await expect(row).toContainText("李四");
  await expect(row).toContainText(`${member.display_name}（会员）`);
  await expect(row).toContainText("¥12,600.00");
  await checkPage(page, "rights-cases");

  // Handed to the county's union chairman, then (a federation admin may still act) closed.
  await row.getByTestId("hand-over").click();
  await choose(page, page.getByTestId("handler"), `陈志明（${OFFICER} · 工会干部）`);
  await page.getByTestId("hand-over-submit").click();
  await expect(row).toContainText(`陈志明（${OFFICER}）`);

  await row.getByTestId("move-case").click();
  const move = page.getByTestId("move-case-form");
  await choose(page, move.getByTestId("move-stage"), "结案");
  await move.getByLabel("追回金额（元，累计）").fill("12600");
  await move.getByLabel("处理结果").fill("调解达成协议，欠薪足额支付");
  await page.getByTestId("move-case-submit").click();
  await expect(move).toBeHidden();
  await expect(row.getByTestId("case-stage")).toHaveAttribute("data-stage", "closed");
  await expect(row.getByTestId("case-recovered")).toHaveText("¥12,600.00");
  await expect(row.getByTestId("case-overdue")).toHaveCount(0); // closed: no longer overdue

  await expect(page.getByTestId("stat-closed")).toHaveText(String(before.closed + 1));
  await expect
    .poll(async () => fen((await page.getByTestId("stat-recovered").textContent()) ?? ""))
    .toBe(before.recovered_fen + 1_260_000);
  await checkPage(page, "rights-statistics");
});

interface ImprovementRollup {
  total: { filed: number; adopted: number; value_fen: number };
}

test("a proposal is submitted for a school's member, adopted with its value, and the year's total grows", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(ADMIN), `/o/${COUNTY}/improvements`);
  await expect(page.getByTestId("improvements-desk")).toBeVisible();
  const subtree = await get<{ id: string; name: string }[]>(page, `/api/membership/v1/organizations/${COUNTY}/subtree`);
  const school = subtree.find((o) => o.id === SCHOOL)!;
  const proposer = await uniqueMember(page);
  const rollupPath = `/api/events/v1/organizations/${COUNTY}/improvement-rollup?year=${year}`;
  const before = await get<ImprovementRollup>(page, rollupPath);
  const total = page.getByTestId("improvement-total");
  await expect(total).toHaveAttribute("data-filed", String(before.total.filed));

  const title = `e2e建议：食堂错峰供餐-${run}`;
  await page.getByTestId("submit-improvement").click();
  const form = page.getByTestId("submit-improvement-form");
  await form.getByLabel("所属工会").click();
  await form.getByLabel("所属工会").fill(school.name.slice(0, 4));
  await page.locator(".ant-select-dropdown:visible .ant-select-tree-title", { hasText: school.name }).first().click();
  await form.getByLabel("标题").fill(title);
  await form.getByLabel("内容").fill("午餐分两批供应，减少排队时间");
  await form.getByLabel("涉及部门/车间").fill("后勤处");
  await form.getByLabel("建议人 1").click();
  await page.keyboard.type(proposer.display_name);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${proposer.display_name}（"]`).first().click();
  await checkPage(page, "improvements-submit");
  await page.getByTestId("submit-improvement-submit").click();
  await expect(form).toBeHidden();
  await expect(total).toHaveAttribute("data-filed", String(before.total.filed + 1));

  // Those still waiting for a decision are few: this run's is among them.
  const filters = page.getByTestId("improvement-filters");
  await choose(page, filters.getByLabel("状态"), "已提交待采纳");
  await filters.getByRole("button", { name: /查\s*询/ }).click();
  const row = page.getByTestId("improvements").locator("tbody tr.ant-table-row", { hasText: title });
  await expect(row.getByTestId("improvement-status")).toHaveAttribute("data-status", "submitted");
  await expect(row).toContainText(proposer.display_name);
  await checkPage(page, "improvements");

  await row.getByTestId("decide-improvement").click();
  const decide = page.getByTestId("improvement-action");
  await decide.getByLabel("经济效益（元）").fill("48060");
  await decide.getByLabel("效益依据").fill("财务处测算：全年节约加班费");
  await page.getByTestId("improvement-action-submit").click();
  await expect(decide).toBeHidden();

  await expect(total).toHaveAttribute("data-value-fen", String(before.total.value_fen + 4_806_000));
  await expect(total).toContainText(`${before.total.filed + 1} 条建议`);
  const after = await get<{ items: { title: string; status: string; value_fen: number | null }[] }>(
    page,
    `/api/events/v1/organizations/${SCHOOL}/improvements?status=adopted&year=${year}&limit=200`,
  );
  expect(after.items.find((i) => i.title === title)).toMatchObject({ status: "adopted", value_fen: 4_806_000 });
  await checkPage(page, "improvements-rollup");
});

test("a school's welfare officer has the rights desk, not the federation's enterprise register nor the proposals", async ({ page }) => {
  await signIn(page, account(process.env.UNIONFED_DEMO_WELFARE_OFFICER ?? "school1-welfare"), `/o/${SCHOOL}/rights`);
  await expect(page.getByTestId("rights-desk")).toBeVisible();
  await expect(page.getByRole("menuitem", { name: /维权/ })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: /企业建会/ })).toHaveCount(0);
  await expect(page.getByRole("menuitem", { name: /合理化建议/ })).toHaveCount(0);
  await expect(page.getByTestId("open-case")).toBeVisible(); // welfare officers accept cases
  await expect(page.getByTestId("stat-opened")).toHaveText(/^\d+$/);
});

test("an enterprise union's officer reads that enterprise's contracts and nothing else of the register", async ({ page }) => {
  const union = process.env.UNIONFED_DEMO_ENTERPRISE_UNION ?? "jh-machinery";
  await signIn(page, account(process.env.UNIONFED_DEMO_ENTERPRISE_OFFICER ?? "jh-officer"), `/o/${union}/contracts`);
  await expect(page.getByTestId("union-contracts-desk")).toBeVisible();
  await expect(page.getByRole("menuitem", { name: /集体合同/ })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: /企业建会/ })).toHaveCount(0);
  // The demo signed 华东精密机械's comprehensive and wage contracts: the page lists what the API does.
  const listed = await get<{ items: { kind: string }[] }>(page, `/api/membership/v1/organizations/${union}/collective-contracts?limit=100`);
  expect(listed.items.map((c) => c.kind)).toEqual(expect.arrayContaining(["comprehensive", "wage"]));
  const rows = page.getByTestId("contract-register-rows").locator("tbody tr.ant-table-row");
  await expect(rows).toHaveCount(listed.items.length);
  await expect(page.getByTestId("contract-register-rows")).toContainText("工资专项");
  await expect(page.getByTestId("sign-contract")).toHaveCount(0); // the federation signs, the union reads
  // The register itself stays the federation's: refused exactly as if it did not exist.
  const token = await accessToken(page);
  const register = await page.request.get(`/api/membership/v1/organizations/street-fed/enterprises`, { headers: { Authorization: `Bearer ${token}` } });
  expect(register.status()).toBe(404);
  await checkPage(page, "union-contracts");
});
