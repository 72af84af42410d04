import { useQuery } from "@tanstack/react-query";
import { Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { HardshipFile } from "../../api/welfareRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

const enc = encodeURIComponent;

/**
 * The hardship files of the scope. Welfare leaves out the details (name, level, cause …) for a
 * caller whose role may not read them; their columns are then absent, not empty.
 */
export function HardshipTab({ org }: { org: string }) {
  const { t } = useI18n();
  const w = t.welfare;
  const { nameOf } = useOrganizationNames();
  const files = useQuery({
    queryKey: ["hardship-files", org],
    queryFn: () => call<HardshipFile[]>("welfare", `/v1/organizations/${enc(org)}/hardship-files`),
  });
  if (files.error) return <ProblemAlert error={files.error} />;
  const rows = files.data ?? [];
  const details = rows.some((f) => f.details_visible);
  const columns: ColumnsType<HardshipFile> = [
    { title: w.pseudonym, dataIndex: "pseudonym" },
    ...(details
      ? ([
          { title: w.member, dataIndex: "member_name" },
          { title: w.level, dataIndex: "level_label" },
          { title: w.cause, dataIndex: "cause_label" },
          { title: w.causeDetail, dataIndex: "cause_detail" },
          { title: w.openedOn, dataIndex: "opened_on", width: 110 },
          { title: w.nextReview, dataIndex: "next_review_on", width: 110 },
        ] as ColumnsType<HardshipFile>)
      : []),
    { title: w.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
    { title: w.fileStatus, dataIndex: "status", render: (s: string) => w.fileStatuses[s as keyof typeof w.fileStatuses] ?? s },
  ];
  return (
    <>
      {!details && rows.length > 0 && <Typography.Paragraph type="secondary">{w.detailsWithheld}</Typography.Paragraph>}
      <Table<HardshipFile>
        data-testid="hardship-files"
        rowKey="id"
        size="small"
        loading={files.isLoading}
        dataSource={rows}
        columns={columns}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
      />
    </>
  );
}
