import { useQuery } from "@tanstack/react-query";
import { Card, Drawer, Empty, Table, Tag, Typography } from "antd";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { components } from "../../api/membership";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Term = components["schemas"]["TermOut"];
type Seat = components["schemas"]["SeatOut"];

/** 委员会与换届: every term of the union's committee, newest first, with who holds which role. */
export function CommitteeTerms({ org, onClose }: { org: string; onClose: () => void }) {
  const { t } = useI18n();
  const c = t.committee;
  const { nameOf } = useOrganizationNames();
  const terms = useQuery({
    queryKey: ["committee-terms", org],
    queryFn: () => call<Term[]>("membership", `/v1/organizations/${encodeURIComponent(org)}/committee-terms`),
  });
  return (
    <Drawer open width={560} title={`${nameOf(org)} · ${c.title}`} onClose={onClose}>
      <div data-testid="committee-terms">
        {terms.error && <ProblemAlert error={terms.error} />}
        {terms.data && terms.data.length === 0 && <Empty description={<Typography.Text>{c.none}</Typography.Text>} />}
        {[...(terms.data ?? [])].reverse().map((term) => (
          <Card
            key={term.id}
            size="small"
            style={{ marginBottom: 12 }}
            title={c.term(term.number)}
            extra={term.current ? <Tag color="#237804">{c.current}</Tag> : <Tag>{c.closedOn(term.closed_on ?? term.ends_on)}</Tag>}
          >
            <Typography.Paragraph>
              {c.electedOn}: {term.elected_on} · {c.period}: {term.starts_on} – {term.ends_on}
            </Typography.Paragraph>
            <Table<Seat>
              rowKey={(seat) => `${seat.role}-${seat.subject}`}
              size="small"
              pagination={false}
              dataSource={term.roster}
              columns={[
                { title: c.role, dataIndex: "role_name" },
                { title: c.name, dataIndex: "display_name" },
              ]}
            />
          </Card>
        ))}
      </div>
    </Drawer>
  );
}
