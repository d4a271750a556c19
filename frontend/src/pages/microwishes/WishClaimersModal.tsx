import { Modal, Tag, Typography } from 'antd';
import { RecommendedWishClaimersDocument, type RecommendedWishClaimersQuery } from '../../api/generated';
import { useQuery } from '../../api/client';
import { RecommendationList } from '../../components/RecommendationList';
import { useI18n } from '../../i18n';

type Item = RecommendedWishClaimersQuery['recommendedWishClaimers']['items'][number];

/** Whom to ask about an open wish: the street's volunteers (masked as everywhere) and teams,
 * ranked by the matching model with their reasons (docs/matching.md, Micro-wishes). */
export function WishClaimersModal({ wish, onClose }: { wish: { id: string; title: string } | null; onClose: () => void }) {
  const { t } = useI18n();
  const recs = useQuery(RecommendedWishClaimersDocument, { wishId: wish?.id ?? '', first: 10 }, { skip: !wish });
  const data = recs.data?.recommendedWishClaimers;
  return (
    <Modal open={Boolean(wish)} title={t('wish.claimersTitle')} onCancel={onClose} footer={null} destroyOnHidden width={640}>
      <Typography.Paragraph strong>{wish?.title}</Typography.Paragraph>
      <Typography.Paragraph type="secondary">{t('wish.claimersHint')}</Typography.Paragraph>
      <RecommendationList<Item>
        items={data?.items ?? []}
        loading={recs.loading}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        coldStart={data?.coldStart ?? false}
        modelVersion={data?.modelVersion}
        rowKey={(i) => i.volunteer?.id ?? i.team?.id ?? String(i.rank)}
        emptyText={t('wish.noClaimers')}
        testId="wish-claimers"
        title={(i) =>
          i.team ? (
            <>
              <strong>{i.team.name}</strong> <Tag>{t('wish.claimant.TEAM')}</Tag>
            </>
          ) : (
            <>
              <strong>{i.volunteer?.realName}</strong> <Tag>{t('wish.claimant.VOLUNTEER')}</Tag>
            </>
          )
        }
        description={(i) =>
          i.team
            ? t('team.memberCount', { n: i.team.memberCount })
            : i.volunteer
              ? `${i.volunteer.volunteerNumber}${i.volunteer.starLevel ? ` · ${'★'.repeat(i.volunteer.starLevel)}` : ''}`
              : null
        }
      />
    </Modal>
  );
}
