import { DownloadOutlined } from "@ant-design/icons";
import { Button, Space } from "antd";
import { useState } from "react";
import { downloadFrom } from "../api/client";
import { ProblemAlert } from "./ProblemAlert";

/**
 * A report's file (`format=xlsx`, `format=pdf` on the report's own route) fetched with the signed-in
 * user's token and saved under the name the service gives it (Chinese names kept); `filename` is used
 * only when the answer names none. A refusal shows as the service worded it.
 */
export function DownloadButton({
  url,
  filename,
  label,
  testId,
}: {
  url: string;
  filename: string;
  label: string;
  testId?: string;
}) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const get = () => {
    setError(null);
    setBusy(true);
    downloadFrom(url, filename)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <Space direction="vertical">
      <Button icon={<DownloadOutlined />} loading={busy} onClick={get} data-testid={testId}>
        {label}
      </Button>
      {error ? <ProblemAlert error={error} /> : null}
    </Space>
  );
}
