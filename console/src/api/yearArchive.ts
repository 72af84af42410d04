import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import { Problem, fetchBytes, type Service } from "./client";

/**
 * A union's 台账 of a year as ONE zip: each service keeps the files of its own records and answers
 * its own year archive (`GET /v1/organizations/{id}/attachments/archive?year=`, a zip with index.csv);
 * the console fetches the four, puts each file under its part's folder (活动/, 职代会/, 慰问/, 凭证/,
 * 职工之家/, 督查/) and writes one index.csv with the part as its first column (UTF-8 with BOM, CRLF:
 * Excel opens it). Made in the browser with fflate: nothing new to run or secure on the server, and
 * each service keeps deciding who may read its files (a part the caller may not read is left out and
 * named, never guessed).
 */

/** Which part a record kind belongs to (the kind is the first folder of a file's path in a service's zip). */
export const PART_OF_KIND: Record<string, string> = {
  activity: "活动",
  congress_session: "职代会",
  grant: "慰问",
  ledger_entry: "凭证",
  home_evidence: "职工之家",
  spot_check: "督查",
};
export const PARTS = ["活动", "职代会", "慰问", "凭证", "职工之家", "督查"];
/** The services whose archives make the whole, in the parts' order. */
export const ARCHIVE_SERVICES: Service[] = ["events", "welfare", "finance", "membership"];
export const PART_HEADER = "部分 part";
const PATH_COLUMN = 5; // 压缩包内路径 path in archive, in the services' index.csv
const ALREADY_COMPRESSED = /\.(jpe?g|png|webp|zip|docx|xlsx)$/i;

/** RFC 4180 rows of a CSV text (quoted fields may hold commas, quotes and line ends). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field !== "" || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function csvText(rows: string[][]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return rows.map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}

export interface ServiceArchive {
  service: Service;
  bytes: Uint8Array;
}

export interface Combined {
  zip: Uint8Array;
  files: number;
  byPart: Record<string, number>;
}

/** One zip of the services' archives: every file under its part's folder, one index with the part first. */
export function combineArchives(archives: ServiceArchive[]): Combined {
  const out: Zippable = {};
  let header: string[] | null = null;
  const rows: { part: string; row: string[] }[] = [];
  for (const { service, bytes } of archives) {
    const entries = unzipSync(bytes);
    const index = entries["index.csv"];
    if (!index) continue;
    const [head, ...lines] = parseCsv(strFromU8(index).replace(/^\ufeff/, ""));
    header ??= head;
    for (const line of lines) {
      if (line.length <= PATH_COLUMN) continue;
      const path = line[PATH_COLUMN];
      const data = entries[path];
      if (!data) continue;
      const folder = path.split("/")[0]; // {record_kind}-{record_id}
      const kind = Object.keys(PART_OF_KIND).find((k) => folder.startsWith(`${k}-`));
      const part = kind ? PART_OF_KIND[kind] : line[0] || service;
      const combinedPath = `${part}/${path}`;
      out[combinedPath] = [data, { level: ALREADY_COMPRESSED.test(path) ? 0 : 6 }];
      const row = [...line];
      row[PATH_COLUMN] = combinedPath;
      rows.push({ part, row });
    }
  }
  const order = (part: string) => (PARTS.includes(part) ? PARTS.indexOf(part) : PARTS.length);
  rows.sort((a, b) => order(a.part) - order(b.part)); // stable: each part keeps its service's order
  const byPart: Record<string, number> = {};
  rows.forEach(({ part }) => (byPart[part] = (byPart[part] ?? 0) + 1));
  const index = [[PART_HEADER, ...(header ?? [])], ...rows.map(({ part, row }) => [part, ...row])];
  out["index.csv"] = strToU8("\ufeff" + csvText(index));
  return { zip: zipSync(out, { level: 6 }), files: rows.length, byPart };
}

export interface Fetched {
  archives: ServiceArchive[];
  /** Services that refused the caller (403): their parts are left out, and said so. */
  refused: Service[];
  /** The union's name, as the services name their archives (`{name}-{year}年台账附件.zip`). */
  unionName: string | undefined;
}

/** Each service's archive of the union's year; a refusal of the caller's role leaves that part out, any other failure fails all. */
export async function fetchArchives(org: string, year: number): Promise<Fetched> {
  const path = `/v1/organizations/${encodeURIComponent(org)}/attachments/archive`;
  const answers = await Promise.all(
    ARCHIVE_SERVICES.map(async (service) => {
      try {
        return { service, ...(await fetchBytes(service, path, { year })) };
      } catch (error) {
        if (error instanceof Problem && error.status === 403) return { service, refused: true as const };
        throw error;
      }
    }),
  );
  const archives: ServiceArchive[] = [];
  const refused: Service[] = [];
  let unionName: string | undefined;
  for (const answer of answers) {
    if ("refused" in answer) refused.push(answer.service);
    else {
      archives.push({ service: answer.service, bytes: answer.bytes });
      unionName ??= answer.fileName?.replace(/-\d{4}年台账附件\.zip$/, "");
    }
  }
  return { archives, refused, unionName };
}
