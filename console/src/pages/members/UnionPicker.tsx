import { TreeSelect } from "antd";
import { useMemo } from "react";
import type { Organization } from "../../scope";
import { useOrganizationNames } from "../../api/members";

interface Node {
  value: string;
  title: string;
  disabled: boolean;
  children: Node[];
}

/** Unions and union groups in the signed-in user's scope, by name; federations only hold the tree. */
function unionTree(organizations: Organization[], exclude?: string): Node[] {
  const nodes = new Map<string, Node>();
  for (const o of organizations) {
    nodes.set(o.id, { value: o.id, title: o.name, disabled: o.kind === "federation" || o.id === exclude, children: [] });
  }
  const roots: Node[] = [];
  for (const o of organizations) {
    const parent = o.parent_id ? nodes.get(o.parent_id) : undefined;
    (parent ? parent.children : roots).push(nodes.get(o.id)!);
  }
  return roots;
}

export function UnionPicker({
  id,
  value,
  onChange,
  exclude,
}: {
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
  exclude?: string;
}) {
  const { organizations, loading } = useOrganizationNames();
  const tree = useMemo(() => unionTree(organizations, exclude), [organizations, exclude]);
  return (
    <TreeSelect
      id={id}
      value={value}
      onChange={onChange}
      treeData={tree}
      loading={loading}
      showSearch
      treeNodeFilterProp="title"
      treeDefaultExpandAll={organizations.length < 60}
      treeDefaultExpandedKeys={tree.map((n) => n.value)}
      style={{ width: "100%" }}
      data-testid="union-picker"
    />
  );
}
