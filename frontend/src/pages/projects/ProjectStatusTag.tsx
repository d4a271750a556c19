import { Tag } from 'antd';
import type { ProjectStatus } from '../../api/generated';
import { useI18n } from '../../i18n';

const COLORS: Record<ProjectStatus, string> = {
  DRAFT: 'default',
  PENDING_APPROVAL: 'gold',
  OPEN_FOR_BIDS: 'blue',
  BIDS_OPENED: 'purple',
  AWARDED: 'green',
  IN_PROGRESS: 'cyan',
  COMPLETED: 'geekblue',
  EVALUATED: 'lime',
  FAILED: 'red',
  CANCELLED: 'default',
};

export function ProjectStatusTag({ status }: { status: ProjectStatus }) {
  const { t } = useI18n();
  return <Tag color={COLORS[status]}>{t(`projectStatus.${status}` as const)}</Tag>;
}
