import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Form, Input, Select, Space, Table, Tag, TreeSelect, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { DownloadOutlined, UploadOutlined } from "@ant-design/icons";
import { call, download } from "../../api/client";
import { isMemberOfficer, treeUnder, useOrganizationNames, type Member, type MemberPage } from "../../api/members";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { CommitteeTerms } from "./CommitteeTerms";
import { JoinForm } from "./JoinForm";
import { RosterImport } from "./RosterImport";

interface Filters {
  name?: string;
  staff_no?: string;
  id_tail?: string;
  union?: string;
  status?: string;
}

const PAGE_SIZE = 20;
const STATUSES = ["active", "retired", "left", "deceased"];
// Solid colours with white text: antd's light preset tags fall short of 4.5:1 contrast.
export const STATUS_COLORS: Record<string, string> = { active: "#237804", retired: "#0050b3", left: "default", deceased: "default" };

export default function MembersDesk() {
  const { t } = useI18n();
  const m = t.memberDesk;
  const org = useOrg();
  const navigate = useNavigate();
  const { claims } = useSession();
  const officer = isMemberOfficer(claims.role);
  const { nameOf, organizations } = useOrganizationNames();
  const [filters, setFilters] = useState<Filters>({});
  const [joining, setJoining] = useState(false);
  const [importing, setImporting] = useState(false);
  const [committee, setCommittee] = useState(false);
  const [exportError, setExportError] = useState<unknown>();
  const exportRoster = async () => {
    setExportError(undefined);
    try {
      await download("membership", `/v1/organizations/${encodeURIComponent(org)}/roster`, { format: "xlsx" }, "roster.xlsx");
    } catch (error) {
      setExportError(error);
    }
  };
  // The cursors of the pages seen so far: the server pages forward, the stack goes back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = useQuery({
    queryKey: ["members", org, filters, cursor],
    queryFn: () =>
      call<MemberPage>("membership", `/v1/organizations/${encodeURIComponent(org)}/members`, {
        query: { ...filters, cursor, limit: PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  });

  const onSearch = (values: Filters) => {
    const trimmed = (v?: string) => v?.trim() || undefined;
    setFilters({
      name: trimmed(values.name),
      staff_no: trimmed(values.staff_no),
      id_tail: trimmed(values.id_tail),
      union: values.union || undefined,
      status: values.status || undefined,
    });
    setCursors([undefined]);
  };

  const cardOf = (member: Member) => `/o/${encodeURIComponent(org)}/members/${member.id}`;

  return (
    <div data-testid="members-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={2}>{m.title}</Typography.Title>
        <Space>
          <Button data-testid="committee-open" onClick={() => setCommittee(true)}>
            {t.committee.open}
          </Button>
          {officer && (
            <Button data-testid="roster-export" icon={<DownloadOutlined />} onClick={() => void exportRoster()}>
              {t.rosterImport.export}
            </Button>
          )}
          {officer && (
            <Button data-testid="roster-open" icon={<UploadOutlined />} onClick={() => setImporting(true)}>
              {t.rosterImport.open}
            </Button>
          )}
          {officer && (
            <Button type="primary" data-testid="join" onClick={() => setJoining(true)}>
              {m.join}
            </Button>
          )}
        </Space>
      </Space>
      <Form<Filters>
        name="memberSearch"
        layout="inline"
        onFinish={onSearch}
        style={{ marginBottom: 16, rowGap: 8 }}
        aria-label={t.search}
        data-testid="member-search"
      >
        <Form.Item name="name" label={m.name}>
          <Input style={{ width: 140 }} allowClear />
        </Form.Item>
        {officer && (
          <>
            <Form.Item name="staff_no" label={m.staffNo}>
              <Input style={{ width: 120 }} allowClear />
            </Form.Item>
            <Form.Item
              name="id_tail"
              label={m.idTail}
              rules={[{ pattern: /^\s*\d{3}[\dXx]\s*$/, message: m.idTailInvalid }]}
            >
              <Input style={{ width: 100 }} maxLength={6} placeholder="123X" allowClear />
            </Form.Item>
          </>
        )}
        <Form.Item name="union" label={m.union}>
          <TreeSelect
            style={{ width: 240 }}
            allowClear
            showSearch
            treeNodeFilterProp="title"
            placeholder={m.anyUnion}
            treeData={treeUnder(organizations, org)}
            treeDefaultExpandedKeys={[org]}
          />
        </Form.Item>
        <Form.Item name="status" label={m.status}>
          <Select
            style={{ width: 110 }}
            allowClear
            placeholder={m.anyStatus}
            options={STATUSES.map((s) => ({ value: s, label: m.statuses[s] }))}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t.search}
            </Button>
            <Button htmlType="reset" onClick={() => onSearch({})}>
              {t.reset}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {exportError !== undefined && <ProblemAlert error={exportError} />}
      {query.error ? (
        <ProblemAlert error={query.error} />
      ) : (
        <Table<Member>
          data-testid="members"
          rowKey="id"
          size="small"
          loading={query.isFetching}
          pagination={false}
          dataSource={query.data?.items}
          onRow={(member) => ({ onDoubleClick: () => navigate(cardOf(member)) })}
          columns={[
            { title: m.name, render: (_, member) => <Link to={cardOf(member)}>{member.display_name}</Link> },
            { title: m.gender, dataIndex: "gender", width: 70, render: (g: string) => m.genders[g] ?? g },
            { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            {
              title: m.status,
              dataIndex: "status",
              width: 90,
              render: (s: string) => <Tag color={STATUS_COLORS[s]}>{m.statuses[s] ?? s}</Tag>,
            },
            { title: m.joinedOn, dataIndex: "joined_on", width: 110 },
            ...(officer
              ? [
                  { title: m.staffNo, dataIndex: "staff_no", width: 100 },
                  { title: m.idNumber, dataIndex: "id_number_masked", width: 190 },
                ]
              : []),
          ]}
        />
      )}
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t.previous}
        </Button>
        <Button
          disabled={!query.data?.next_cursor}
          onClick={() => query.data?.next_cursor && setCursors([...cursors, query.data.next_cursor])}
        >
          {t.next}
        </Button>
      </Space>
      {committee && <CommitteeTerms org={org} onClose={() => setCommittee(false)} />}
      {importing && <RosterImport org={org} onClose={() => setImporting(false)} />}
      {joining && (
        <JoinForm
          org={org}
          onClose={() => setJoining(false)}
          onJoined={(member) => {
            setJoining(false);
            navigate(cardOf(member));
          }}
        />
      )}
    </div>
  );
}
