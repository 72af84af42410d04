import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { account, accessToken, checkPage, signIn } from "./support";

const COUNTY = process.env.UNIONFED_DEMO_COUNTY ?? "county-edu";
const ADMIN = process.env.UNIONFED_DEMO_COUNTY_ADMIN ?? "county-admin";

// The smallest file finance reads as a PDF: told by its signature, not by its name.
const VOUCHER = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");
const NAME = `购买乐器发票-${Date.now().toString(36)}.pdf`;

test("a treasurer attaches a voucher (票据) to an entry, sees it listed and downloads it; a wrong type is refused in Chinese", async ({
  page,
}) => {
  await signIn(page, account(ADMIN));
  await page.goto(`/o/${COUNTY}/finance/entries`);
  const rows = page.getByTestId("entries").locator("tbody tr.ant-table-row");
  await expect(rows.first()).toBeVisible();
  await rows.first().getByRole("link").click();
  await expect(page.getByTestId("entry-page")).toBeVisible();

  const panel = page.getByTestId("attachments");
  await expect(panel).toBeVisible();
  await expect(panel).toContainText("原始凭证（票据）");
  await panel.locator("input[type=file]").setInputFiles({ name: NAME, mimeType: "application/pdf", buffer: VOUCHER });
  const row = panel.getByTestId("attachment-list").locator("tbody tr.ant-table-row").filter({ hasText: NAME });
  await expect(row).toBeVisible();
  await expect(row).toContainText("票据");
  await expect(row).toContainText(`${VOUCHER.length} B`);
  await expect(row.locator("td").nth(3)).not.toHaveText("");
  await checkPage(page, "entry-vouchers");

  const downloading = page.waitForEvent("download");
  await row.getByTestId("attachment-download").click();
  const file = await downloading;
  expect(file.suggestedFilename()).toBe(NAME);
  expect(await readFile(await file.path())).toEqual(VOUCHER);

  // A program named like a PDF is refused by its bytes, in Chinese, and nothing is listed.
  await panel
    .locator("input[type=file]")
    .setInputFiles({ name: "发票.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ\x90\x00 not a pdf") });
  await expect(panel.getByTestId("problem-detail")).toContainText("不支持此文件类型");
  await expect(panel.getByTestId("problem-code")).toHaveText("attachment_type_not_allowed");
  await expect(panel.getByTestId("attachment-list").locator("tbody tr.ant-table-row").filter({ hasText: "发票.pdf" }).filter({ hasNotText: NAME })).toHaveCount(0);

  // The voucher is in the ledger's chain, and the chain still verifies.
  const token = await accessToken(page);
  const chain = await (
    await page.request.get(`/api/finance/v1/organizations/${COUNTY}/ledger/chain`, { headers: { Authorization: `Bearer ${token}` } })
  ).json();
  expect(chain.intact).toBe(true);
  expect(chain.vouchers_checked).toBeGreaterThan(0);
});
