import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { accessToken, account, checkPage, pickDay, pickOption, signIn } from "./support";

// 第一小学 and its welfare officer (a demo account); the county's policy: hospital visit 500 yuan,
// funeral and major hardship 1,000 yuan, 3,000 yuan a member a year.
const SCHOOL = process.env.UNIONFED_DEMO_SCHOOL ?? "no1-primary";
const WELFARE_OFFICER = process.env.UNIONFED_DEMO_WELFARE_OFFICER ?? "school1-welfare";
// Welfare pays a greeting in chunks of this many recipients (greetings.CHUNK = money.LINES_PER_REQUEST).
const GREETING_CHUNK = 1000;

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
const year = today.slice(0, 4);

interface Member {
  id: string;
  display_name: string;
  organization_id: string;
}

/** The API as the signed-in user: JSON, or the status and problem of a refusal. */
async function api(page: Page, method: string, path: string, body?: unknown) {
  const token = await accessToken(page);
  const response = await page.request.fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Accept-Language": "zh-CN", ...(body ? { "Content-Type": "application/json" } : {}) },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status(), json: await response.json().catch(() => null) };
}

async function every<T>(page: Page, path: string): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const answer = await api(page, "GET", `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(answer.status, path).toBe(200);
    all.push(...answer.json.items);
    cursor = answer.json.next_cursor;
  } while (cursor);
  return all;
}

/** A working member of the school granted nothing this year, whose name no other member shares. */
async function ungrantedMember(page: Page): Promise<Member> {
  const members = await every<Member>(page, `/api/membership/v1/organizations/${SCHOOL}/members?status=active`);
  const granted = new Set(
    (await every<{ member_id: string }>(page, `/api/welfare/v1/organizations/${SCHOOL}/grants?from=${year}-01-01`)).map((g) => g.member_id),
  );
  const named = (m: Member) => members.filter((o) => o.display_name.includes(m.display_name)).length === 1;
  const found = members.find((m) => !granted.has(m.id) && named(m));
  if (!found) throw new Error(`no member of ${SCHOOL} without a grant in ${year}`);
  return found;
}

async function pickDate(page: Page, testId: string, day: string) {
  // antd's DatePicker puts the test id on its input itself.
  await pickDay(page.locator(`input[data-testid="${testId}"]`), day);
}

async function pickMember(page: Page, within: string, member: Member) {
  await page.getByTestId(within).getByTestId("member-picker").click();
  await page.keyboard.type(member.display_name);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${member.display_name}（"]`).first().click();
}

async function fillVisit(page: Page, member: Member, visitLabel: string, ref: string, moneyYuan: string) {
  const form = page.getByTestId("record-grant");
  await pickMember(page, "record-grant", member);
  await form.getByTestId("visit-type").click();
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${visitLabel}"]`).click();
  await pickDate(page, "occasion-on", today);
  await form.getByLabel("事由说明").fill(ref);
  await form.getByLabel("慰问金（元）").fill(moneyYuan);
}

async function postingsOn5101(page: Page): Promise<number> {
  return (await every<unknown>(page, `/api/finance/v1/organizations/${SCHOOL}/ledger/postings?account=5101&from=${today}&to=${today}`)).length;
}

test("a welfare officer records a visit that settles; one over the yearly cap is refused before finance hears of it", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, account(WELFARE_OFFICER), `/o/${SCHOOL}/welfare`);
  await expect(page.getByTestId("welfare-desk")).toBeVisible();
  const member = await ungrantedMember(page);
  const run = Date.now().toString(36);

  // A hospital visit: 400 yuan and a fruit basket worth 100, shown against the cap before submitting.
  await fillVisit(page, member, "住院慰问", `住院号 ${run}-1`, "400");
  await page.getByRole("button", { name: /添加慰问品/ }).click();
  await page.getByLabel("物品 1").fill("水果篮");
  await page.getByLabel("单位", { exact: true }).fill("个");
  await page.getByLabel("价值（元）").fill("100");
  const preview = page.getByTestId("grant-preview");
  await expect(preview.getByTestId("preview-amount")).toHaveText("¥500.00");
  await expect(preview.getByTestId("cap-left")).toHaveText("¥3,000.00");
  await expect(preview.getByTestId("cap-refusal")).toHaveCount(0);
  await checkPage(page, "welfare-record-visit");
  await page.getByTestId("record-grant-submit").click();
  const recorded = page.getByTestId("recorded-grant");
  await expect(recorded.getByTestId("grant-state")).toHaveAttribute("data-state", "reserved", { timeout: 60_000 });

  // Approved from the list (filtered to the member); its state follows finance until paid.
  await pickMember(page, "grant-filters", member);
  await page.getByTestId("grant-filters").getByRole("button", { name: /查\s*询/ }).click();
  const row = page.getByTestId("grants").locator("tr", { hasText: `住院号 ${run}-1` });
  await row.getByRole("button", { name: /审批发放/ }).click();
  await expect(row.getByTestId("grant-state")).toHaveAttribute("data-state", "paid", { timeout: 60_000 });
  await checkPage(page, "welfare-grants");

  // Three more grants (1,000 + 1,000 + 200 yuan) bring the member to 2,700 of the 3,000-yuan cap.
  const extra: string[] = [];
  for (const [visit_type, money_fen] of [["funeral", 1_000_00], ["major_hardship", 1_000_00], ["hospitalised", 200_00]] as const) {
    const answer = await api(page, "POST", `/api/welfare/v1/organizations/${SCHOOL}/grants`, {
      member_id: member.id, visit_type, occasion_on: today, occasion_ref: `${run}-${visit_type}`, money_fen,
    });
    expect(answer.status, JSON.stringify(answer.json)).toBe(201);
    extra.push(answer.json.id);
  }
  const grantsBefore = (await every<{ id: string }>(page, `/api/welfare/v1/organizations/${SCHOOL}/grants?member_id=${member.id}`)).length;
  const postingsBefore = await postingsOn5101(page);

  // A wedding grant of 500 yuan would make 3,200: the preview names the refusal, recording gives it.
  await page.reload();
  await fillVisit(page, member, "结婚慰问", `婚礼 ${run}`, "500");
  await expect(preview.getByTestId("cap-left")).toHaveText("¥300.00");
  await expect(preview.getByTestId("cap-refusal")).toContainText("年度上限");
  await page.getByTestId("record-grant-submit").click();
  await expect(page.getByTestId("problem-code")).toHaveText("grant_over_yearly_cap");
  await expect(page.getByTestId("problem-detail")).toContainText(`超出该会员 ${year} 年度上限`);
  await checkPage(page, "welfare-over-cap");

  // Nothing reached finance: no grant (so no hold requested), no entry on the welfare expense.
  const grantsAfter = await every<{ occasion_ref: string }>(page, `/api/welfare/v1/organizations/${SCHOOL}/grants?member_id=${member.id}`);
  expect(grantsAfter.length).toBe(grantsBefore);
  expect(grantsAfter.map((g) => g.occasion_ref)).not.toContain(`婚礼 ${run}`);
  expect(await postingsOn5101(page)).toBe(postingsBefore);

  for (const id of extra) {
    const cancelled = await api(page, "POST", `/api/welfare/v1/grants/${id}/cancellation`, { reason: "e2e: cap set-up" });
    expect(cancelled.status).toBe(200);
  }
});

test("a festival greeting launched from the console pays every recipient, its ledger total count × amount", async ({ page }) => {
  test.setTimeout(420_000);
  await signIn(page, account(WELFARE_OFFICER), `/o/${SCHOOL}/welfare/greetings`);
  await expect(page.getByTestId("launch-greeting")).toBeVisible();
  // An amount of its own (1.01 – 9.99 yuan), to find this greeting's entries in the ledger.
  const amountFen = 101 + (Date.now() % 899);
  const launch = page.getByTestId("launch-greeting");
  await pickOption(page, launch.getByLabel("节日"), "端午节慰问");
  await launch.getByLabel("每人金额（元）").fill((amountFen / 100).toFixed(2));
  await pickDate(page, "paid-on", today);
  await launch.getByLabel("女职工").check();
  // The preview follows the form after a pause (and shows the last answer meanwhile): wait for the
  // women-only count the service itself gives, not whatever is on screen the moment the box is ticked.
  const expected = await api(page, "POST", `/api/welfare/v1/organizations/${SCHOOL}/festival-greeting-previews`, {
    festival: "dragon_boat",
    amount_fen: amountFen,
    paid_on: today,
    eligibility: { gender: "female", statuses: ["active"] },
  });
  expect(expected.status).toBe(200);
  const recipients: number = expected.json.recipients;
  expect(recipients).toBeGreaterThan(0);
  await expect(launch.getByTestId("preview-recipients")).toHaveText(String(recipients));
  await expect(launch.getByTestId("preview-total")).toHaveText(
    `¥${new Intl.NumberFormat("en-US").format(Math.trunc((recipients * amountFen) / 100))}.${String((recipients * amountFen) % 100).padStart(2, "0")}`,
  );
  await expect(launch.getByTestId("budget-covers")).toHaveText("预算足够");
  await checkPage(page, "welfare-greeting-preview");
  await launch.getByTestId("launch").click();

  await expect(page).toHaveURL(/\/welfare\/greetings\/[0-9a-f-]{36}$/);
  const bar = page.getByTestId("greeting-bar");
  await expect(bar).toBeVisible();
  // Opening the page again resumes following the same greeting.
  await page.reload();
  await expect(page.getByTestId("greeting-total")).toHaveText(String(recipients));
  await expect(bar).toHaveAttribute("data-percent", "100", { timeout: 180_000 });
  await expect(page.getByTestId("greeting-paid")).toHaveText(String(recipients));
  await checkPage(page, "welfare-greeting-progress");
  await expect(page.getByTestId("greeting-recipients").locator("tbody tr").first()).toContainText("已发放");

  // The 签收单 to print: a PDF fetched with the officer's token, saved under its Chinese name.
  const [sheet] = await Promise.all([page.waitForEvent("download"), page.getByTestId("print-sign-sheet").click()]);
  expect(sheet.suggestedFilename()).toMatch(/^端午节慰问签收单-.+\.pdf$/);
  const saved = await sheet.path();
  expect(readFileSync(saved).subarray(0, 5).toString()).toBe("%PDF-");

  // Finance pays a greeting a chunk of up to 1,000 recipients at a time (welfare's chunk, the most
  // lines one request may carry): one posting per chunk, a line of this greeting's own amount per
  // member, so each chunk's total is a multiple of it.
  const found = await every<{ total_fen: number; description: string }>(
    page,
    `/api/finance/v1/organizations/${SCHOOL}/ledger/postings?account=5101&from=${today}&to=${today}&amount_min_fen=${amountFen}&text=${encodeURIComponent("端午节慰问")}`,
  );
  const entries = found.filter((e) => e.total_fen % amountFen === 0 && e.total_fen / amountFen <= GREETING_CHUNK);
  expect(entries.length).toBe(Math.ceil(recipients / GREETING_CHUNK));
  expect(entries.reduce((sum, e) => sum + e.total_fen, 0)).toBe(recipients * amountFen);
});

test("hardship files: the welfare officer sees their details, the federation admin only their numbers", async ({ browser }) => {
  for (const [who, details] of [[WELFARE_OFFICER, true], [process.env.UNIONFED_DEMO_COUNTY_ADMIN ?? "county-admin", false]] as const) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, account(who), `/o/${SCHOOL}/welfare/hardship`);
    const table = page.getByTestId("hardship-files");
    await expect(table.locator("tbody tr").first()).toBeVisible();
    await expect(table.getByRole("columnheader", { name: "档案编号" })).toBeVisible();
    await expect(table.locator("tbody tr").first()).not.toContainText(SCHOOL); // the union by its name
    // Not greyed out: the columns are not there at all.
    for (const column of ["会员", "困难程度", "致困原因", "具体情况"]) {
      await expect(table.getByRole("columnheader", { name: column, exact: true })).toHaveCount(details ? 1 : 0);
    }
    await checkPage(page, `welfare-hardship-${details ? "details" : "withheld"}`);
    await context.close();
  }
});
