import { useQuery } from "@tanstack/react-query";
import { Button, Form, Space, Table, TreeSelect, Typography } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import { useState } from "react";
import { Link } from "react-router-dom";
import { call, download } from "../../api/client";
import { treeUnder, useOrganizationNames } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { recentMonths, type MemberArrears, type OrganizationArrears, type UnionArrears } from "./shared";

interface Chosen {
  union: string;
  through: string;
}

/** Unpaid months, summed per union and listed per member, for the scope or a union under it. */
export function ArrearsTab({ org }: { org: string }) {
  const { t } = useI18n();
  const d = t.duesDesk;
  const { nameOf, organizations } = useOrganizationNames();
  const [chosen, setChosen] = useState<Chosen>({ union: org, through: recentMonths()[0] });
  const [exporting, setExporting] = useState<unknown>();
  const path = `/v1/organizations/${encodeURIComponent(chosen.union)}/dues-arrears`;
  const arrears = useQuery({
    queryKey: ["dues-arrears", chosen.union, chosen.through],
    queryFn: () => call<OrganizationArrears>("membership", path, { query: { through: chosen.through } }),
  });
  const exportExcel = async () => {
    setExporting(undefined);
    try {
      await download("membership", path, { through: chosen.through, format: "xlsx" }, `arrears-${chosen.through}.xlsx`);
    } catch (error) {
      setExporting(error);
    }
  };

  return (
    <div data-testid="dues-arrears">
      <Form<Chosen>
        name="duesArrears"
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        initialValues={chosen}
        onFinish={setChosen}
      >
        {/* Starts at the scope and cannot be emptied: no required rule, whose aria-required axe refuses here. */}
        <Form.Item name="union" label={d.union}>
          <TreeSelect
            style={{ width: 280 }}
            showSearch
            treeNodeFilterProp="title"
            treeData={treeUnder(organizations, org)}
            treeDefaultExpandedKeys={[org]}
          />
        </Form.Item>
        <Form.Item name="through" label={d.through} rules={[{ required: true, message: d.required(d.through) }]}>
          <FormSelect style={{ width: 120 }} options={recentMonths().map((p) => ({ value: p, label: p }))} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t.search}
            </Button>
            <Button icon={<DownloadOutlined />} data-testid="arrears-export" onClick={() => void exportExcel()}>
              {d.exportExcel}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {exporting !== undefined && <ProblemAlert error={exporting} />}
      {arrears.error ? (
        <ProblemAlert error={arrears.error} />
      ) : (
        <>
          <Typography.Title level={3} style={{ fontSize: 16 }}>
            {d.byUnion} · {d.total} <span data-testid="arrears-total">{yuan(arrears.data?.total_fen)}</span>
          </Typography.Title>
          <Table<UnionArrears>
            data-testid="arrears-unions"
            rowKey="organization_id"
            size="small"
            loading={arrears.isFetching}
            dataSource={arrears.data?.unions}
            locale={{ emptyText: d.noArrears }}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            columns={[
              { title: d.union, dataIndex: "name" },
              { title: d.membersInArrears, dataIndex: "members_in_arrears", align: "right" },
              { title: d.owed, dataIndex: "total_fen", align: "right", render: (fen: number) => yuan(fen) },
              { title: d.withoutAmount, dataIndex: "periods_without_amount", align: "right" },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
            {d.byMember}
          </Typography.Title>
          <Table<MemberArrears>
            data-testid="arrears-members"
            rowKey="member_id"
            size="small"
            loading={arrears.isFetching}
            dataSource={arrears.data?.members}
            locale={{ emptyText: d.noArrears }}
            pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
            columns={[
              {
                title: d.name,
                render: (_, m) => <Link to={`/o/${encodeURIComponent(org)}/members/${m.member_id}`}>{m.display_name}</Link>,
              },
              { title: d.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
              { title: d.monthsUnpaid, align: "right", render: (_, m) => m.periods.length },
              { title: d.unpaidMonths, render: (_, m) => m.periods.map((p) => p.period).join("、") },
              { title: d.owed, dataIndex: "total_fen", align: "right", render: (fen: number) => yuan(fen) },
            ]}
          />
        </>
      )}
    </div>
  );
}
