import { Button, Space } from "antd";
import { useState, type ReactNode } from "react";
import { download, type Query, type Service } from "../api/client";
import { ProblemAlert } from "./ProblemAlert";

/**
 * A button that downloads a report from its own GET route (``?format=pdf`` / ``?format=xlsx``)
 * with the signed-in user's token and saves it under the name the service gives it; a refusal
 * is shown under the button as the service worded it.
 */
export function DownloadButton({
  service,
  path,
  query,
  fallbackName,
  children,
  testId,
  size,
}: {
  service: Service;
  path: string;
  query: Query;
  fallbackName: string;
  children: ReactNode;
  testId?: string;
  size?: "small" | "middle";
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const get = () => {
    setError(null);
    setBusy(true);
    download(service, path, query, fallbackName)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <Space direction="vertical" size={4}>
      <Button data-testid={testId} size={size} loading={busy} onClick={get}>
        {children}
      </Button>
      {error ? <ProblemAlert error={error} /> : null}
    </Space>
  );
}
