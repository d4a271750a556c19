import { Card, List, Tag, Typography } from 'antd';
import { RegionsDocument } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { useI18n } from '../../i18n';

/** The public landing page (no login). */
export function PublicHomePage() {
  const { t } = useI18n();
  const roots = useQuery(RegionsDocument, { roots: true, first: 20 });
  const rootId = roots.data?.regions.nodes[0]?.id;
  const children = useQuery(RegionsDocument, { parentId: rootId, first: 50 }, { skip: !rootId });
  const regions = [...(roots.data?.regions.nodes ?? []), ...(children.data?.regions.nodes ?? [])];
  return (
    <div data-testid="public-home">
      <section className="mm-hero">
        <Typography.Title level={1}>{t('public.heroTitle')}</Typography.Title>
        <Typography.Paragraph style={{ color: '#fff', fontSize: 16, marginBottom: 0 }}>
          {t('public.heroText')}
        </Typography.Paragraph>
      </section>
      <Card title={t('public.regions')} extra={<Typography.Text type="secondary">{t('public.regionsHint')}</Typography.Text>}>
        <ListState
          loading={roots.loading || children.loading}
          error={roots.error ?? children.error}
          empty={regions.length === 0}
          onRetry={() => void roots.refetch()}
        >
          <List
            grid={{ gutter: 12, xs: 1, sm: 2, md: 3, lg: 4 }}
            dataSource={regions}
            renderItem={(r) => (
              <List.Item>
                <Card size="small">
                  <Typography.Text strong>{r.name}</Typography.Text> <Tag>{t(`level.${r.level}` as const)}</Tag>
                  <div>
                    <Typography.Text type="secondary">{r.code}</Typography.Text>
                  </div>
                </Card>
              </List.Item>
            )}
          />
        </ListState>
      </Card>
    </div>
  );
}
