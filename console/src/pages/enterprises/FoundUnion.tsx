import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { Enterprise, FoundEnterpriseUnion } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

interface Values {
  union_name: string;
  union_id: string;
  founded_on: Dayjs;
}

/** Refresh everything the register shows: the list, 应建未建, the year's foundings, the roll-up. */
export function useRefreshRegister() {
  const client = useQueryClient();
  return () => {
    // The subtree too: a founded union is a new organization of the tree.
    for (const key of ["enterprises", "should-found", "union-foundings", "contracts-rollup", "subtree"]) {
      void client.invalidateQueries({ queryKey: [key] });
    }
  };
}

/** 建会: the enterprise's union, registered in the tree under the federation, founded on a day not after today. */
export function FoundUnion({ enterprise, onClose }: { enterprise: Enterprise; onClose: () => void }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const keyOf = useRequestKeys();
  const refresh = useRefreshRegister();
  const found = useMutation({
    mutationFn: (body: FoundEnterpriseUnion) =>
      call<Enterprise>("membership", `/v1/enterprises/${encodeURIComponent(enterprise.id)}/union`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <Modal open title={fill(e.foundUnionOf, { name: enterprise.name })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name="found-union"
        data-testid="found-union"
        initialValues={{
          union_name: `${enterprise.name}工会`,
          union_id: `ent-${enterprise.credit_code.toLowerCase()}`,
          founded_on: dayjs(shanghaiToday()),
        }}
        onFinish={(v) =>
          found.mutate({ union_name: v.union_name.trim(), union_id: v.union_id.trim(), founded_on: v.founded_on.format("YYYY-MM-DD") })
        }
      >
        <Form.Item name="union_name" label={e.unionName} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="union_id"
          label={e.unionId}
          tooltip={e.unionIdHint}
          rules={[
            { required: true, message: t.required },
            { pattern: /^\s*[a-z0-9][a-z0-9-]{1,62}\s*$/, message: e.unionIdShape },
          ]}
        >
          <Input maxLength={63} />
        </Form.Item>
        <Form.Item name="founded_on" label={e.foundedOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="founded-on" />
        </Form.Item>
        {found.error ? <ProblemAlert error={found.error} /> : null}
        <Button type="primary" htmlType="submit" loading={found.isPending} data-testid="found-union-submit">
          {e.foundUnion}
        </Button>
      </Form>
    </Modal>
  );
}
