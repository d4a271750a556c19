import { useState } from 'react';
import { Breadcrumb, Button, Table, Typography } from 'antd';
import { RegionsDocument, type RegionsQuery } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { useI18n } from '../../i18n';

type RegionRow = RegionsQuery['regions']['nodes'][number];

/** Browse the region tree level by level. */
export function RegionsPage() {
  const { t } = useI18n();
  const [trail, setTrail] = useState<RegionRow[]>([]);
  const parent = trail[trail.length - 1];
  const list = usePaged(RegionsDocument, { first: 100, parentId: parent?.id ?? null, roots: !parent }, (d) => d.regions);
  return (
    <div>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('admin.regions')}
      </Typography.Title>
      <Breadcrumb
        style={{ marginBottom: 16 }}
        items={[
          {
            title: (
              <Button type="link" size="small" onClick={() => setTrail([])}>
                {t('admin.regions')}
              </Button>
            ),
          },
          ...trail.map((r, i) => ({
            title: (
              <Button type="link" size="small" onClick={() => setTrail(trail.slice(0, i + 1))}>
                {r.name}
              </Button>
            ),
          })),
        ]}
      />
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<RegionRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          columns={[
            {
              title: t('region.name'),
              dataIndex: 'name',
              render: (name: string, r) => (
                <Button type="link" onClick={() => setTrail([...trail, r])}>
                  {name}
                </Button>
              ),
            },
            { title: t('region.code'), dataIndex: 'code' },
            { title: t('region.level'), dataIndex: 'level', render: (l: RegionRow['level']) => t(`level.${l}` as const) },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
