import type { ReactNode } from 'react';
import { Card, Space, Tag, Typography } from 'antd';
import type { MicroWishFieldsFragment } from '../../api/generated';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { STATUS_COLORS } from './rules';

/** One wish as a card: what, where, by when, the public description; `children` and `actions`
 * add what the viewer may see and do. Narrow enough for a 375 px phone. */
export function WishCard({
  wish,
  showStatus = false,
  actions,
  children,
}: {
  wish: MicroWishFieldsFragment;
  showStatus?: boolean;
  actions?: ReactNode[];
  children?: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <Card size="small" style={{ marginBottom: 12 }} actions={actions && actions.length > 0 ? actions : undefined} data-testid="wish-card">
      <Typography.Title level={5} style={{ marginTop: 0, marginBottom: 8, overflowWrap: 'anywhere' }}>
        {wish.title}
      </Typography.Title>
      <Space size={[4, 4]} wrap style={{ marginBottom: 8 }}>
        {showStatus && <Tag color={STATUS_COLORS[wish.status]}>{t(`wish.status.${wish.status}` as const)}</Tag>}
        <Tag color="red">{t(`category.${wish.category}` as const)}</Tag>
        <Tag>{t(`wish.kind.${wish.kind}` as const)}</Tag>
        <Tag>{t(`wish.needs.${wish.needs}` as const)}</Tag>
      </Space>
      <Typography.Paragraph style={{ marginBottom: 8, overflowWrap: 'anywhere' }}>{wish.publicDescription}</Typography.Paragraph>
      <Space size={[12, 0]} wrap>
        {wish.region && <Typography.Text type="secondary">{wish.region.name}</Typography.Text>}
        <Typography.Text type="secondary">{t('wish.deadlineAt', { time: formatDateTime(wish.deadline) })}</Typography.Text>
        {wish.claimant && (
          <Typography.Text type="secondary">{t('wish.claimantLabel', { name: wish.claimant.displayName })}</Typography.Text>
        )}
      </Space>
      {children}
    </Card>
  );
}
