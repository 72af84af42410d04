import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { strFromU8, unzipSync } from "fflate";
import { accessToken, account, checkPage, signIn } from "./support";

// Issue 19: 职工之家 evidence carries files, spot checks take rectification proof, and a union's year
// of 台账 downloads as ONE zip with one index.csv (the part in its first column). The demo's 第一小学
// (deploy/local/demo/home.py, checks): its officer uploads, then downloads the year's one file.
const SCHOOL = "no1-primary";
const OFFICER = "school1-officer";
const DEMO_CHECK = "第一小学上半年校务公开（经费收支）";
const run = Date.now().toString(36);
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n" + run);
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(32, run.length)]);
const REPORT = `换届选举报告-${run}.pdf`;
const PROOF = `整改照片-${run}.png`;
const thisYear = Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date()).slice(0, 4));

async function api<T>(page: Page, method: "GET" | "POST" | "PUT", path: string, data?: unknown): Promise<T> {
  const response = await page.request.fetch(`/api/membership${path}`, {
    method,
    data,
    headers: { Authorization: `Bearer ${await accessToken(page)}` },
  });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

test.describe.configure({ mode: "serial" });

test("第一小学's officer attaches a file to an evidence entry of its draft self-assessment; the entry names it", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, account(OFFICER), `/o/${SCHOOL}/home`);
  await expect(page.getByTestId("home-desk")).toBeVisible();
  // A draft of an earlier year nobody has assessed yet, with one evidence entry (the demo stays from run to run).
  const taken = new Set((await api<{ year: number }[]>(page, "GET", `/v1/organizations/${SCHOOL}/home-assessments`)).map((a) => a.year));
  let year = thisYear - 1;
  while (taken.has(year)) year -= 1;
  const started = await api<{ id: string; items: { code: string }[] }>(page, "POST", `/v1/organizations/${SCHOOL}/home-assessments`, { year });
  await api(page, "POST", `/v1/home-assessments/${started.id}/evidence`, { item_code: started.items[0].code, title: `换届选举材料 ${run}` });

  await page.reload();
  // The year column (the second) says the year.
  const row = page
    .getByTestId("home-assessments")
    .locator("tbody tr.ant-table-row", { hasText: "第一小学工会" })
    .filter({ has: page.locator("td:nth-child(2)", { hasText: new RegExp(`^${year}$`) }) });
  await row.getByTestId("home-open").click();
  const drawer = page.getByTestId("home-assessment-drawer");
  const entry = drawer.getByTestId("home-evidence").filter({ hasText: run });
  await entry.click();

  const files = page.getByTestId("home-evidence-files");
  const panel = files.getByTestId("attachments");
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("attachment-purpose")).toContainText("佐证材料"); // the first purpose is the default
  await panel.locator("input[type=file]").setInputFiles({ name: REPORT, mimeType: "application/pdf", buffer: PDF });
  const listed = panel.getByTestId("attachment-list").locator("tbody tr.ant-table-row").filter({ hasText: REPORT });
  await expect(listed).toBeVisible();
  await expect(listed).toContainText("佐证材料");
  await checkPage(page, "home-evidence-files");
  const downloading = page.waitForEvent("download");
  await listed.getByTestId("attachment-download").click();
  const file = await downloading;
  expect(file.suggestedFilename()).toBe(REPORT);
  expect(await readFile(await file.path())).toEqual(PDF);

  // Closed: the entry names its latest file.
  await page.locator(".ant-modal-close").click();
  await expect(entry.getByTestId("home-evidence-file")).toContainText(REPORT);
});

test("第一小学 attaches its rectification photo to the county's spot check and downloads the year's 台账 as one zip with one index", async ({
  page,
}) => {
  test.setTimeout(240_000);
  await signIn(page, account(OFFICER), `/o/${SCHOOL}/checks`);
  const check = page.getByTestId("spot-checks").locator("tbody tr.ant-table-row").filter({ hasText: DEMO_CHECK }).first();
  await check.locator(".ant-table-row-expand-icon").click();
  const panel = page.getByTestId("spot-check-detail").first().getByTestId("attachments");
  await expect(panel).toContainText("督查附件");
  await panel.locator("input[type=file]").setInputFiles({ name: PROOF, mimeType: "image/png", buffer: PNG });
  const listed = panel.getByTestId("attachment-list").locator("tbody tr.ant-table-row").filter({ hasText: PROOF });
  await expect(listed).toContainText("整改材料");

  // The one file: every service's archive of the school's year, combined in the browser.
  await page.getByTestId("year-archive").scrollIntoViewIfNeeded();
  const downloading = page.waitForEvent("download");
  await page.getByTestId("year-archive-download").click();
  const file = await downloading;
  expect(file.suggestedFilename()).toBe(`第一小学工会-${thisYear}年台账.zip`);
  await expect(page.getByTestId("year-archive-done")).toContainText("督查");
  await expect(page.getByTestId("year-archive-refused")).toHaveCount(0);
  const zip = unzipSync(new Uint8Array(await readFile(await file.path())));
  const index = zip["index.csv"];
  expect(Array.from(index.subarray(0, 3))).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 BOM: Excel opens it
  const lines = strFromU8(index).replace(/^\ufeff/, "").split("\r\n");
  expect(lines[0].startsWith("部分 part,记录类型 record kind,")).toBe(true);
  // Each file under its part's folder, listed in the index with its part first.
  const proof = Object.keys(zip).find((name) => name.endsWith(`/${PROOF}`));
  expect(proof?.startsWith("督查/spot_check-")).toBe(true);
  expect(Buffer.from(zip[proof!])).toEqual(PNG);
  expect(lines.find((l) => l.includes(proof!))?.startsWith("督查,")).toBe(true);
  // The evidence file of the first test is in the 职工之家 part (uploaded this year).
  const evidence = Object.keys(zip).find((name) => name.endsWith(`/${REPORT}`));
  expect(evidence?.startsWith("职工之家/home_evidence-")).toBe(true);
  expect(Buffer.from(zip[evidence!])).toEqual(PDF);
  expect(lines.find((l) => l.includes(evidence!))?.startsWith("职工之家,")).toBe(true);
});
