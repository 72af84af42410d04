import { Checkbox, Select, TreeSelect } from "antd";
import type { CheckboxGroupProps } from "antd/es/checkbox";
import type { SelectProps, TreeSelectProps } from "antd";

// antd's Form.Item gives its control aria-required when a rule requires it. On a select's box or a
// checkbox group's div that attribute is not allowed (axe: aria-allowed-attr, critical), so these
// controls take everything the form gives them but that; the label's * and the rule's message
// still tell the reader the field is required.
type FromFormItem = { "aria-required"?: unknown };

export function FormSelect(props: SelectProps & FromFormItem) {
  const { "aria-required": _dropped, ...rest } = props;
  return <Select {...rest} />;
}

export function FormCheckboxGroup(props: CheckboxGroupProps & FromFormItem) {
  const { "aria-required": _dropped, ...rest } = props;
  return <Checkbox.Group {...rest} />;
}

export function FormTreeSelect(props: TreeSelectProps & FromFormItem) {
  const { "aria-required": _dropped, ...rest } = props;
  return <TreeSelect {...rest} />;
}
