import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Checkbox, DatePicker, Descriptions, Form, Input, InputNumber, Space, Table, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { Link } from "react-router-dom";
import { call, newIdempotencyKey } from "../../api/client";
import type { components } from "../../api/welfare";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";
import { MemberPicker } from "./shared";

type DriveSummary = components["schemas"]["DriveSummary"];
type Drive = components["schemas"]["DriveOut"];
type CreateDrive = components["schemas"]["CreateDrive"];
type Donation = components["schemas"]["DonationOut"];
type Disbursement = components["schemas"]["DisbursementOut"];

const enc = encodeURIComponent;

/** 爱心捐款: the organization's drives, a new one, and one drive's donations and payouts. */
export function DrivesTab({ org, code, mayManage }: { org: string; code?: string; mayManage: boolean }) {
  if (code) return <DriveCard org={org} code={code} mayManage={mayManage} />;
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {mayManage && <CreateDriveForm org={org} />}
      <DriveList org={org} />
    </Space>
  );
}

function DriveList({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.charity;
  const drives = useQuery({
    queryKey: ["donation-drives", org],
    queryFn: () => call<DriveSummary[]>("welfare", `/v1/organizations/${enc(org)}/donation-drives`),
  });
  if (drives.error) return <ProblemAlert error={drives.error} />;
  return (
    <Table<DriveSummary>
      data-testid="drives"
      rowKey="code"
      size="small"
      loading={drives.isLoading}
      pagination={false}
      dataSource={drives.data}
      columns={[
        { title: c.driveTitle, render: (_, d) => <Link to={`/o/${enc(org)}/welfare/drives/${enc(d.code)}`}>{d.title}</Link> },
        { title: c.code, dataIndex: "code" },
        { title: c.beneficiary, dataIndex: "beneficiary" },
        { title: c.raised, dataIndex: "raised_fen", align: "right", render: yuan },
        { title: c.disbursed, dataIndex: "disbursed_fen", align: "right", render: yuan },
        { title: c.held, dataIndex: "held_fen", align: "right", render: yuan },
      ]}
    />
  );
}

function CreateDriveForm({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.charity;
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreateDrive>();
  const create = useMutation({
    mutationFn: (body: CreateDrive) =>
      call<Drive>("welfare", `/v1/organizations/${enc(org)}/donation-drives`, {
        method: "POST",
        body: { ...body, pseudonym: body.pseudonym || null },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ["donation-drives", org] });
    },
  });
  return (
    <Card title={c.newDrive} size="small" data-testid="create-drive">
      <Form<CreateDrive> name="new-drive" form={form} layout="vertical" onFinish={create.mutate}>
        <Space wrap align="start" size="large">
          <Form.Item name="title" label={c.driveTitle} rules={[{ required: true, message: t.required }]}>
            <Input style={{ width: 280 }} maxLength={120} />
          </Form.Item>
          <Form.Item
            name="code"
            label={c.code}
            extra={c.codeHint}
            rules={[
              { required: true, message: t.required },
              { pattern: /^[a-z0-9][a-z0-9-]*$/, message: c.codeHint },
            ]}
          >
            <Input style={{ width: 200 }} maxLength={40} />
          </Form.Item>
          <Form.Item name="beneficiary_member_id" label={c.beneficiary} rules={[{ required: true, message: t.required }]}>
            <MemberPicker org={org} />
          </Form.Item>
          <Form.Item name="pseudonym" label={c.pseudonym} extra={c.pseudonymHint}>
            <Input style={{ width: 200 }} maxLength={60} />
          </Form.Item>
        </Space>
        <ProblemAlert error={create.error} />
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-drive-submit">
          {c.createDrive}
        </Button>
      </Form>
    </Card>
  );
}

interface DonationValues {
  anonymous: boolean;
  donor?: string;
  amount?: number | null;
  received_on: Dayjs;
}

interface DisburseValues {
  amount?: number | null;
  paid_on: Dayjs;
}

// Each form has its own name: antd makes an input's id from the form's and the field's names, and
// the two forms of this card both have an `amount` (a label must point at its own input).
function DriveCard({ org, code, mayManage }: { org: string; code: string; mayManage: boolean }) {
  const { t } = useI18n();
  const c = t.charity;
  const queryClient = useQueryClient();
  const drive = useQuery({
    queryKey: ["donation-drive", code],
    queryFn: () => call<Drive>("welfare", `/v1/donation-drives/${enc(code)}`),
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["donation-drive", code] });
    void queryClient.invalidateQueries({ queryKey: ["donation-drives"] });
  };
  const [donationForm] = Form.useForm<DonationValues>();
  const [disburseForm] = Form.useForm<DisburseValues>();
  const anonymous = Form.useWatch("anonymous", donationForm);
  const donate = useMutation({
    mutationFn: (v: DonationValues) =>
      call<Donation>("welfare", `/v1/donation-drives/${enc(code)}/donations`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: {
          anonymous: v.anonymous,
          donor: v.anonymous ? null : v.donor,
          amount_fen: toFen(v.amount ?? undefined),
          received_on: v.received_on.format("YYYY-MM-DD"),
        },
      }),
    onSuccess: () => {
      donationForm.resetFields();
      refresh();
    },
  });
  const disburse = useMutation({
    mutationFn: (v: DisburseValues) =>
      call<Disbursement>("welfare", `/v1/donation-drives/${enc(code)}/disbursements`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { amount_fen: toFen(v.amount ?? undefined), paid_on: v.paid_on.format("YYYY-MM-DD") },
      }),
    onSuccess: () => {
      disburseForm.resetFields();
      refresh();
    },
  });
  if (drive.error) return <ProblemAlert error={drive.error} />;
  const d = drive.data;
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large" data-testid="drive-card">
      <Link to={`/o/${enc(org)}/welfare/drives`}>{c.backToDrives}</Link>
      <Typography.Title level={3}>{d?.title ?? code}</Typography.Title>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={c.beneficiary}>{d?.beneficiary}</Descriptions.Item>
        <Descriptions.Item label={c.pseudonym}>{d?.pseudonym}</Descriptions.Item>
        <Descriptions.Item label={c.code}>{code}</Descriptions.Item>
        <Descriptions.Item label={c.raised}>
          <span data-testid="drive-raised">{yuan(d?.raised_fen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={c.disbursed}>
          <span data-testid="drive-disbursed">{yuan(d?.disbursed_fen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={c.held}>
          <span data-testid="drive-held">{yuan(d?.held_fen)}</span>
        </Descriptions.Item>
      </Descriptions>
      {mayManage && (
        <Space wrap align="start" size="large">
          <Card title={c.recordDonation} size="small" data-testid="record-donation">
            <Form<DonationValues> name="donation" form={donationForm} layout="vertical" initialValues={{ anonymous: false, received_on: dayjs() }} onFinish={donate.mutate}>
              <Form.Item name="anonymous" valuePropName="checked">
                <Checkbox>{c.anonymous}</Checkbox>
              </Form.Item>
              {!anonymous && (
                <Form.Item name="donor" label={c.donor} rules={[{ required: true, message: t.required }]}>
                  <Input maxLength={100} />
                </Form.Item>
              )}
              <Form.Item name="amount" label={c.amountYuan} rules={[{ required: true, message: t.required }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
              </Form.Item>
              <Form.Item name="received_on" label={c.receivedOn} rules={[{ required: true, message: t.required }]}>
                <DatePicker />
              </Form.Item>
              <ProblemAlert error={donate.error} />
              <Button type="primary" htmlType="submit" loading={donate.isPending} data-testid="record-donation-submit">
                {c.recordDonation}
              </Button>
            </Form>
          </Card>
          <Card title={c.disburse} size="small" data-testid="disburse">
            <Typography.Paragraph type="secondary">{c.disburseHint(yuan(d?.held_fen))}</Typography.Paragraph>
            <Form<DisburseValues> name="disbursement" form={disburseForm} layout="vertical" initialValues={{ paid_on: dayjs() }} onFinish={disburse.mutate}>
              <Form.Item name="amount" label={c.amountYuan} rules={[{ required: true, message: t.required }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
              </Form.Item>
              <Form.Item name="paid_on" label={c.paidOn} rules={[{ required: true, message: t.required }]}>
                <DatePicker />
              </Form.Item>
              <ProblemAlert error={disburse.error} />
              <Button type="primary" htmlType="submit" loading={disburse.isPending} data-testid="disburse-submit">
                {c.disburse}
              </Button>
            </Form>
          </Card>
        </Space>
      )}
      <Card title={c.donations} size="small">
        <Table<Donation>
          data-testid="donations"
          rowKey="id"
          size="small"
          pagination={false}
          loading={drive.isLoading}
          dataSource={d?.donations}
          columns={[
            { title: c.donor, dataIndex: "donor", render: (donor: string) => (donor === "anonymous" ? c.anonymousDonor : donor) },
            { title: c.amount, dataIndex: "amount_fen", align: "right", render: yuan },
            { title: c.receivedOn, dataIndex: "received_on" },
          ]}
        />
      </Card>
      <Card title={c.disbursements} size="small">
        <Table<Disbursement>
          data-testid="disbursements"
          rowKey="id"
          size="small"
          pagination={false}
          loading={drive.isLoading}
          dataSource={d?.disbursements}
          columns={[
            { title: c.amount, dataIndex: "amount_fen", align: "right", render: yuan },
            { title: c.paidOn, dataIndex: "paid_on" },
          ]}
        />
      </Card>
    </Space>
  );
}
