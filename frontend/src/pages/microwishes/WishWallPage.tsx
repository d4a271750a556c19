import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Col, Modal, Popconfirm, Radio, Row, Select, Space, Typography, App as AntApp } from 'antd';
import {
  ClaimingTeamsDocument,
  ClaimMicroWishDocument,
  MicroWishWallDocument,
  RegionsDocument,
  type MicroWishFieldsFragment,
  type ServiceCategory,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { CATEGORIES } from '../../components/enums';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { WishCard } from './WishCard';
import { RecommendedWishes } from './RecommendedWishes';
import { claimable } from './rules';

type Wish = MicroWishFieldsFragment;
type ClaimInput = { wishId: string; teamId?: string | null; organizationId?: string | null };

/** Communities to filter by, searched by name (regions are public). */
function CommunityFilter({ value, onChange }: { value: string | null; onChange: (id: string | null) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const { data, loading } = useQuery(RegionsDocument, { first: 50, level: 'COMMUNITY', text: text || null, under: null });
  return (
    <Select
      id="wish-community"
      aria-label={t('wish.filterCommunity')}
      style={{ width: '100%' }}
      showSearch
      allowClear
      filterOption={false}
      onSearch={setText}
      loading={loading}
      placeholder={t('wish.allCommunities')}
      value={value ?? undefined}
      onChange={(v?: string) => onChange(v ?? null)}
      options={(data?.regions.nodes ?? []).map((r) => ({ value: r.id, label: r.name }))}
    />
  );
}

/** Who the caller may claim for: a team they manage, their organization (as its admin). */
function ClaimForModal({
  wish,
  onClose,
  onClaim,
}: {
  wish: Wish | null;
  onClose: () => void;
  onClaim: (input: ClaimInput) => Promise<void>;
}) {
  const { t } = useI18n();
  const { activeGrant } = useSession();
  const teams = useQuery(ClaimingTeamsDocument, {}, { skip: !wish });
  const [choice, setChoice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const options: { value: string; label: string }[] = [];
  if (activeGrant?.role === 'ORG_ADMIN' && activeGrant.organizationId)
    options.push({ value: `org:${activeGrant.organizationId}`, label: t('wish.claimForOrganization') });
  for (const team of teams.data?.volunteerTeams.nodes ?? [])
    options.push({ value: `team:${team.id}`, label: t('wish.claimForTeam', { name: team.name }) });
  const submit = async () => {
    if (!wish || !choice) return;
    const [kind, id] = choice.split(':');
    setBusy(true);
    try {
      await onClaim(kind === 'org' ? { wishId: wish.id, organizationId: id } : { wishId: wish.id, teamId: id });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={Boolean(wish)}
      title={wish?.title}
      onCancel={onClose}
      onOk={submit}
      okButtonProps={{ disabled: !choice }}
      confirmLoading={busy}
      okText={t('wish.claim')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('wish.claimConfirm')}</Typography.Paragraph>
      <ListState loading={teams.loading} error={teams.error} empty={options.length === 0} onRetry={() => void teams.refetch()}>
        <Typography.Text strong>{t('wish.claimAs')}</Typography.Text>
        <Radio.Group
          aria-label={t('wish.claimAs')}
          value={choice}
          onChange={(e) => setChoice(e.target.value as string)}
          style={{ display: 'block', marginTop: 8 }}
        >
          <Space direction="vertical">
            {options.map((o) => (
              <Radio key={o.value} value={o.value}>
                {o.label}
              </Radio>
            ))}
          </Space>
        </Radio.Group>
      </ListState>
    </Modal>
  );
}

/**
 * 心愿墙: open wishes, newest first, filtered by community and category. Public (no login);
 * a volunteer claims for themself, a team's manager for the team, an organization's admin for
 * the organization (docs/micro_wishes.md). The beneficiary stays hidden here.
 */
export function WishWallPage() {
  const { t, locale } = useI18n();
  const { me, activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [regionId, setRegionId] = useState<string | null>(null);
  const [category, setCategory] = useState<ServiceCategory | null>(null);
  const list = usePaged(MicroWishWallDocument, { first: 20, status: 'OPEN', regionId, category }, (d) => d.microWishes);
  const [claim, claimState] = useMutation(ClaimMicroWishDocument);
  const [claimingFor, setClaimingFor] = useState<Wish | null>(null);
  // Bumped after each claim: the recommendations are read again (the claimed wish leaves them).
  const [claims, setClaims] = useState(0);
  const role = activeGrant?.role;
  const now = new Date();

  const onClaim = async (input: ClaimInput) => {
    try {
      const r = (await claim({ input })).claimMicroWish;
      if (r.errors.length) {
        void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      } else {
        void message.success(t('wish.claimed'));
        setClaimingFor(null);
        setClaims((n) => n + 1);
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await list.reload();
  };

  const claimAction = (wish: Wish) => {
    if (!claimable(wish, now)) {
      return (
        <Button key="claim" disabled block>
          {t('wish.pastDeadline')}
        </Button>
      );
    }
    if (!me) {
      return (
        <Button key="claim" type="link" onClick={() => navigate('/login', { state: { from: location.pathname } })}>
          {t('wish.loginToClaim')}
        </Button>
      );
    }
    if (role === 'VOLUNTEER') {
      return (
        <Popconfirm
          key="claim"
          title={t('wish.claimConfirm')}
          okText={t('wish.claim')}
          cancelText={t('common.cancel')}
          onConfirm={() => onClaim({ wishId: wish.id })}
        >
          <Button type="primary" loading={claimState.loading} aria-label={`${t('wish.claim')} ${wish.title}`}>
            {t('wish.claim')}
          </Button>
        </Popconfirm>
      );
    }
    if (role === 'ORG_ADMIN' || role === 'COMMUNITY_STAFF') {
      return (
        <Button key="claim" type="primary" onClick={() => setClaimingFor(wish)} aria-label={`${t('wish.claim')} ${wish.title}`}>
          {t('wish.claim')}
        </Button>
      );
    }
    return null;
  };

  return (
    <div data-testid="wish-wall">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('wish.wallTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('wish.wallIntro')}</Typography.Paragraph>
      {!me && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          message={t('wish.loginToClaim')}
          action={
            <Button size="small" onClick={() => navigate('/register')}>
              {t('wish.registerToClaim')}
            </Button>
          }
        />
      )}
      {role === 'VOLUNTEER' && <RecommendedWishes key={claims} action={claimAction} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        <Col xs={24} sm={12} md={8}>
          <CommunityFilter value={regionId} onChange={setRegionId} />
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Select
            id="wish-category"
            aria-label={t('wish.filterCategory')}
            style={{ width: '100%' }}
            allowClear
            placeholder={t('wish.allCategories')}
            value={category ?? undefined}
            onChange={(v?: ServiceCategory) => setCategory(v ?? null)}
            options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))}
          />
        </Col>
      </Row>
      <ListState
        loading={list.loading}
        error={list.error}
        empty={list.nodes.length === 0}
        emptyText={t('wish.noOpen')}
        onRetry={() => void list.reload()}
      >
        <Row gutter={[12, 0]} data-testid="wish-list">
          {list.nodes.map((wish) => {
            const action = claimAction(wish);
            return (
              <Col key={wish.id} xs={24} lg={12}>
                <WishCard wish={wish} actions={action ? [action] : undefined} />
              </Col>
            );
          })}
        </Row>
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <ClaimForModal wish={claimingFor} onClose={() => setClaimingFor(null)} onClaim={onClaim} />
    </div>
  );
}
