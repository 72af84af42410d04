import { useQuery } from "@tanstack/react-query";
import { Button, DatePicker, Form, Select, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useRef, useState } from "react";
import { callText, url } from "../../api/client";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { PUBLICATION_RECORDERS } from "../../api/publicationRows";
import { shanghaiToday } from "../../api/streetRows";
import { PublicationForm } from "./PublicationForm";

/**
 * The statement is rendered by the finance service (HTML, CSV or PDF). It is shown in a frame of its own
 * (srcdoc: the console's CSP applies, so no script in it could run) and can be printed from there; the
 * PDF is the sheet to post: A4, signature lines and a QR code anyone can scan to check it against the books.
 */
export function DisclosureTab({ org }: { org: string }) {
  const { t, lang } = useI18n();
  const frame = useRef<HTMLIFrameElement>(null);
  // The business day in Shanghai, not the browser's: from 16:00 UTC a UTC browser's "today" is still
  // the day before, and the term would end a day early.
  const [term, setTerm] = useState<[Dayjs, Dayjs]>(() => {
    const today = dayjs(shanghaiToday());
    return [today.startOf("year"), today];
  });
  const [statementLang, setStatementLang] = useState<"zh" | "en">(lang);
  const { claims } = useSession();
  const [recording, setRecording] = useState(false);
  const query = {
    from: term[0].format("YYYY-MM-DD"),
    to: term[1].format("YYYY-MM-DD"),
    lang: statementLang,
  };
  const path = `/v1/organizations/${encodeURIComponent(org)}/disclosure`;
  const html = useQuery({
    queryKey: ["disclosure", org, query],
    queryFn: () => callText("finance", path, { query }),
  });

  const file = (format: "pdf" | "csv" | "xlsx") => ({
    url: url("finance", path, { ...query, format }),
    filename: `disclosure-${org}.${format}`,
  });

  return (
    <>
      <Form layout="inline" className="no-print" style={{ marginBottom: 16 }}>
        <Form.Item label={t.dates}>
          <DatePicker.RangePicker value={term} onChange={(v) => v?.[0] && v[1] && setTerm([v[0], v[1]])} allowClear={false} />
        </Form.Item>
        <Form.Item label={t.language}>
          <Select
            aria-label={t.language}
            value={statementLang}
            onChange={setStatementLang}
            style={{ width: 100 }}
            options={[
              { value: "zh", label: "中文" },
              { value: "en", label: "English" },
            ]}
          />
        </Form.Item>
        <Space>
          <Button type="primary" onClick={() => frame.current?.contentWindow?.print()} disabled={!html.data}>
            {t.print}
          </Button>
          <DownloadButton {...file("pdf")} label={t.downloadPdf} data-testid="download-disclosure-pdf" />
          <DownloadButton {...file("xlsx")} label={t.exportExcel} data-testid="export-disclosure-xlsx" />
          <DownloadButton {...file("csv")} label={t.downloadCsv} />
          {PUBLICATION_RECORDERS.includes(claims.role) ? (
            <Button data-testid="record-publication" onClick={() => setRecording(true)}>
              {t.publication.record}
            </Button>
          ) : null}
        </Space>
      </Form>
      {recording ? <PublicationForm org={org} period={term} onClose={() => setRecording(false)} /> : null}
      {html.error ? (
        <ProblemAlert error={html.error} />
      ) : (
        <iframe
          ref={frame}
          title={t.disclosure}
          data-testid="disclosure-frame"
          srcDoc={html.data ?? ""}
          style={{ width: "100%", height: "70vh", border: "1px solid #eee", background: "#fff" }}
        />
      )}
    </>
  );
}
