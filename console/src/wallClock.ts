/** A time the services answer with the federation's offset (…+08:00), shown as that wall-clock time, to the minute. */
export function when(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace("T", " ") : "—";
}
