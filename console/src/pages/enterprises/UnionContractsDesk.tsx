import { Typography } from "antd";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { ContractsTab } from "./ContractsTab";

/**
 * 集体合同 for the officers of a union founded in a registered enterprise: that enterprise's contracts,
 * read only (the federation keeps the register and signs them).
 */
export default function UnionContractsDesk() {
  const { t } = useI18n();
  const org = useOrg();
  return (
    <div data-testid="union-contracts-desk">
      <Typography.Title level={2}>{t.contractRegister.desk}</Typography.Title>
      <ContractsTab org={org} mayWrite={false} union />
    </div>
  );
}
