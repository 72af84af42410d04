import { expect, test, type Page } from "@playwright/test";
import { accessToken, account, checkPage, pickOption, signIn } from "./support";

// The street demo (deploy/local/demo/street_workers.py): a trade union of delivery riders and
// couriers (行业工会, 快递外卖) whose riders work for a platform company registered by name.
const STREET = process.env.UNIONFED_DEMO_STREET ?? "street-fed";
const ADMIN = process.env.UNIONFED_DEMO_STREET_ADMIN ?? "street-admin";
const RIDERS = "street-riders";
const RIDERS_NAME = "某街道快递外卖行业工会";
const PLATFORM = "速达同城配送平台";

const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()); // YYYY-MM-DD
// The demo data stays from run to run: what this run writes carries its own mark.
const run = Date.now().toString(36);

interface Tally {
  members: number;
  joined: number;
}
interface Counts {
  migrant_workers: Tally;
  new_form_workers: Tally;
  by_form: ({ form: string } & Tally)[];
}
interface Member {
  id: string;
  display_name: string;
}
interface WorkerRecord {
  employer: { employer_name: string; started_on: string } | null;
  category: { effective_on: string; new_form: string | null } | null;
}

/** The API as the signed-in user. */
async function get<T>(page: Page, path: string): Promise<T> {
  const response = await page.request.get(path, { headers: { Authorization: `Bearer ${await accessToken(page)}` } });
  expect(response.status(), path).toBe(200);
  return (await response.json()) as T;
}

/**
 * A delivery rider of the trade union still with the platform since before today (so this run can
 * change his employer and category today), whose name no other active member of the street shares.
 */
async function platformRider(page: Page): Promise<Member> {
  const members = (await get<{ items: Member[] }>(page, `/api/membership/v1/organizations/${RIDERS}/members?status=active&limit=200`)).items;
  for (const m of members) {
    const record = await get<WorkerRecord>(page, `/api/membership/v1/members/${m.id}/worker-record`);
    if (record.employer?.employer_name !== PLATFORM || record.employer.started_on >= today) continue;
    if (record.category?.new_form !== "delivery_rider" || record.category.effective_on >= today) continue;
    const named = await get<{ items: Member[] }>(
      page,
      `/api/membership/v1/organizations/${STREET}/members?status=active&limit=20&name=${encodeURIComponent(m.display_name)}`,
    );
    if (named.items.length === 1) return m;
  }
  throw new Error("no delivery rider of the demo left with the platform");
}

test("a street admin reads the migrant and new-form counts, the trade union and a rider's record, and records his new employer and category", async ({
  page,
}) => {
  test.setTimeout(300_000);
  await signIn(page, account(ADMIN), `/o/${STREET}/workers`);
  await expect(page.getByRole("menuitem", { name: /农民工与新就业形态/ })).toBeVisible();
  const desk = page.getByTestId("workers-desk");
  await expect(desk).toBeVisible();

  // The counts as the service answers them, and as the demo seeds them: riders and couriers, most of them 农民工.
  const counts = await get<Counts>(page, `/api/membership/v1/organizations/${STREET}/mobile-worker-counts`);
  const byForm = (c: Counts, form: string) => c.by_form.find((f) => f.form === form)!.members;
  expect(counts.migrant_workers.members).toBeGreaterThan(0);
  expect(byForm(counts, "delivery_rider")).toBeGreaterThan(0);
  await expect(page.getByTestId("count-migrant").locator(".ant-statistic-content-value")).toHaveText(String(counts.migrant_workers.members));
  await expect(page.getByTestId("count-new-form").locator(".ant-statistic-content-value")).toHaveText(String(counts.new_form_workers.members));
  const riderRow = page.getByTestId("counts-by-form").locator('tr[data-form="delivery_rider"]');
  await expect(riderRow).toContainText("外卖骑手");
  await expect(riderRow.getByTestId("form-members")).toHaveText(String(byForm(counts, "delivery_rider")));
  await checkPage(page, "workers-counts");

  // The same counts as an Excel sheet, under its Chinese name.
  const [sheet] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-worker-counts-xlsx").click()]);
  expect(sheet.suggestedFilename()).toMatch(/^农民工和新就业形态劳动者入会情况-某街道总工会-.*\.xlsx$/);

  // The trade union of the demo, by name, with its kind and trade.
  await desk.getByRole("tab", { name: "联合工会与行业工会" }).click();
  const union = page.getByTestId("joint-unions").locator("tbody tr.ant-table-row", { hasText: RIDERS_NAME });
  await expect(union).toHaveCount(1);
  await expect(union).toContainText("行业工会");
  await expect(union).toContainText("快递外卖");
  await checkPage(page, "workers-unions");

  // A rider found by name: his union, his platform employer; 会籍接转 waits for an employer of the register.
  const rider = await platformRider(page);
  await desk.getByRole("tab", { name: "职工身份与用工" }).click();
  const picker = page.getByLabel("会员", { exact: true });
  await picker.fill(rider.display_name);
  // The picker names the member's own organization: the demo's riders sit in the union's groups (外卖配送小组).
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title^="${rider.display_name}（"]`).click();
  const record = page.getByTestId("worker-record");
  await expect(record.getByTestId("worker-name")).toHaveText(rider.display_name);
  await expect(record.getByTestId("worker-union")).toContainText(RIDERS_NAME);
  await expect(record).toContainText("行业工会（快递外卖）");
  await expect(record.getByTestId("worker-employer")).toHaveText(PLATFORM);
  await expect(record.getByTestId("worker-category")).toContainText("外卖骑手");
  await expect(page.getByTestId("open-transfer-to-employer")).toBeDisabled();
  await checkPage(page, "workers-record");

  // He now works for another platform, by name, from today: the old employment ends yesterday.
  const platform = `e2e同城快送-${run}`;
  await page.getByTestId("open-employer-change").click();
  const employerForm = page.getByTestId("employer-form");
  await employerForm.getByLabel("单位名称").fill(platform);
  await page.getByTestId("employer-submit").click();
  await expect(employerForm).toBeHidden();
  await expect(record.getByTestId("worker-employer")).toHaveText(platform);
  const employments = record.getByTestId("worker-employments").locator("tbody tr.ant-table-row");
  await expect(employments.filter({ hasText: platform })).toContainText("至今");
  await expect(employments.filter({ hasText: PLATFORM }).last()).not.toContainText("至今");

  // And he delivers parcels now: a courier from today; the counts move one rider to the couriers.
  await page.getByTestId("open-category").click();
  const categoryForm = page.getByTestId("category-form");
  await pickOption(page, categoryForm.getByLabel("就业形态"), "快递员");
  await page.getByTestId("category-submit").click();
  await expect(categoryForm).toBeHidden();
  await expect(record.getByTestId("worker-category")).toContainText("快递员");
  await expect(record.getByTestId("worker-categories").locator("tbody tr.ant-table-row").last()).toContainText(today);

  await desk.getByRole("tab", { name: "入会统计" }).click();
  await expect(riderRow.getByTestId("form-members")).toHaveText(String(byForm(counts, "delivery_rider") - 1));
  await expect(page.getByTestId("counts-by-form").locator('tr[data-form="courier"]').getByTestId("form-members")).toHaveText(
    String(byForm(counts, "courier") + 1),
  );

  // His own page shows the same card.
  await page.goto(`/o/${STREET}/members/${rider.id}`);
  await expect(page.getByTestId("member-card")).toBeVisible();
  await expect(page.getByTestId("worker-record").getByTestId("worker-employer")).toHaveText(platform);
  await checkPage(page, "workers-member-card");
});
