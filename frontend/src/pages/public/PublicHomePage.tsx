import { Card, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { PublishedProjectsDocument, RegionsDocument } from '../../api/generated';
import { ProjectTable } from '../projects/ProjectTable';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';
import { RecentWishResults } from '../microwishes/RecentWishResults';

/** The public landing page (no login). */
export function PublicHomePage() {
  const { t } = useI18n();
  const roots = useQuery(RegionsDocument, { roots: true, first: 20 });
  const rootId = roots.data?.regions.nodes[0]?.id;
  const children = useQuery(RegionsDocument, { parentId: rootId, first: 50 }, { skip: !rootId });
  const projects = useQuery(PublishedProjectsDocument, { first: 5 });
  const regions = [...(roots.data?.regions.nodes ?? []), ...(children.data?.regions.nodes ?? [])];
  return (
    <div data-testid="public-home">
      <section className="mm-hero">
        <Typography.Title level={1}>{t('public.heroTitle')}</Typography.Title>
        <Typography.Paragraph style={{ color: '#fff', fontSize: 16, marginBottom: 0 }}>{t('public.heroText')}</Typography.Paragraph>
      </section>
      <Card
        title={t('nav.projects')}
        style={{ marginBottom: 16 }}
        extra={
          <Space>
            <Link to="/projects">{t('nav.projects')}</Link>
            <Link to="/projects/awards">{t('nav.awards')}</Link>
          </Space>
        }
      >
        <ListState
          loading={projects.loading}
          error={projects.error}
          empty={(projects.data?.publishedProjects.nodes ?? []).length === 0}
          onRetry={() => void projects.refetch()}
        >
          <ProjectTable projects={projects.data?.publishedProjects.nodes ?? []} />
        </ListState>
      </Card>
      <RecentWishResults />
      <Space wrap style={{ marginBottom: 16 }}>
        <LinkButton to="/activities" type="primary">
          {t('public.activities')}
        </LinkButton>
        <LinkButton to="/wishes">{t('nav.wishWall')}</LinkButton>
        <LinkButton to="/register">{t('public.register')}</LinkButton>
        <LinkButton to="/verify">{t('public.verify')}</LinkButton>
      </Space>
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
