const zh = new Intl.NumberFormat("zh-CN", { style: "currency", currency: "CNY" });

/** Integer fen as yuan for display; amounts are never computed in floating point. */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return "—";
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  const whole = Math.trunc(abs / 100);
  const cents = String(abs % 100).padStart(2, "0");
  return sign + zh.format(whole).replace(/\.00$/, "") + "." + cents;
}

/** A yuan amount typed by a person ("12.5") as fen, or undefined when blank. */
export function toFen(text: string | number | null | undefined): number | undefined {
  if (text === null || text === undefined || text === "") return undefined;
  const [whole, part = ""] = String(text).split(".");
  return Number(whole) * 100 + Number((part + "00").slice(0, 2));
}
