import { Alert, Typography } from "antd";
import { Problem } from "../api/client";

/** A refusal as the service worded it (in the UI's language), with its stable code in small type. */
export function ProblemAlert({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof Problem ? error : null;
  const detail = problem ? problem.message : String((error as Error)?.message ?? error);
  return (
    <Alert
      type="error"
      showIcon
      data-testid="problem"
      message={<span data-testid="problem-detail">{detail}</span>}
      description={
        problem ? (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            <span data-testid="problem-code">{problem.code ?? problem.status}</span>
            {problem.body.trace_id ? ` · trace ${problem.body.trace_id}` : ""}
          </Typography.Text>
        ) : undefined
      }
    />
  );
}
