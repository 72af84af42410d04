import { DownloadOutlined } from "@ant-design/icons";
import { Button, type ButtonProps } from "antd";
import { useState } from "react";
import { downloadFrom } from "../api/client";
import { ProblemAlert } from "./ProblemAlert";

/**
 * A file the API serves behind the sign-in (a PDF to print, an .xlsx), fetched with the bearer token and
 * saved under the name the service gives it. `url` as api/client's url() makes it; `filename` is used only
 * if the answer names no file. A refusal shows under the button.
 */
export function DownloadButton({
  url,
  filename,
  label,
  ...button
}: { url: string; filename: string; label: React.ReactNode } & Omit<ButtonProps, "onClick" | "loading">) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fetchFile = () => {
    setError(null);
    setBusy(true);
    downloadFrom(url, filename)
      .catch(setError)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <Button icon={<DownloadOutlined />} {...button} loading={busy} onClick={fetchFile}>
        {label}
      </Button>
      {error ? <ProblemAlert error={error} /> : null}
    </>
  );
}
