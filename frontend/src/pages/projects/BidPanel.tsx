import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Popconfirm, Select, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  BidsDocument,
  OrganizationDetailDocument,
  SubmitBidDocument,
  WithdrawBidDocument,
  type ProjectFieldsFragment,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { Countdown } from '../../components/Countdown';
import { MoneyInput, fenToYuanText, moneyRules } from '../../components/MoneyInput';
import { formatDateTime, formatFen, yuanToFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { RecommendedSocialWorkers } from './RecommendedSocialWorkers';
import { requiredText } from '../../validation/rules';

interface Values {
  priceFen: string;
  technicalProposal: string;
  volunteerPlan: string;
  team: string[];
}

/** The organization's sealed bid on an open project: submit, replace, withdraw until the deadline. */
export function BidPanel({ project, organizationId }: { project: ProjectFieldsFragment; organizationId: string }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const bids = useQuery(BidsDocument, { first: 10, projectId: project.id });
  const org = useQuery(OrganizationDetailDocument, { id: organizationId });
  const [submit, submitState] = useMutation(SubmitBidDocument);
  const [withdraw, withdrawState] = useMutation(WithdrawBidDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const mine = (bids.data?.bids.nodes ?? []).find((b) => b.organizationId === organizationId && b.status === 'SUBMITTED');
  const staff = org.data?.node?.__typename === 'Organization' ? org.data.node.staff.filter((w) => w.isActive) : [];
  const open = project.status === 'OPEN_FOR_BIDS';
  const team = Form.useWatch('team', form) ?? [];

  useEffect(() => {
    if (mine) {
      form.setFieldsValue({
        priceFen: mine.priceFen !== null ? fenToYuanText(mine.priceFen) : '',
        technicalProposal: mine.technicalProposal ?? '',
        volunteerPlan: mine.volunteerPlan ?? '',
        team: (mine.team ?? []).map((m) => m.socialWorkerId),
      });
    }
  }, [mine, form]);

  const onFinish = async (v: Values) => {
    setGeneral([]);
    try {
      const r = (
        await submit({
          input: {
            projectId: project.id,
            organizationId,
            priceFen: yuanToFen(v.priceFen) ?? 0,
            technicalProposal: v.technicalProposal,
            volunteerPlan: v.volunteerPlan ?? '',
            team: (v.team ?? []).map((id) => ({ socialWorkerId: id, role: '项目社工' })),
          },
        })
      ).submitBid;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['priceFen', 'technicalProposal', 'volunteerPlan', 'team']));
        return;
      }
      void message.success(t('bid.submitted'));
      await bids.refetch();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  const onWithdraw = async () => {
    if (!mine) return;
    try {
      const r = (await withdraw({ input: { bidId: mine.id } })).withdrawBid;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else {
        void message.success(t('bid.withdrawn'));
        form.resetFields();
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await bids.refetch();
  };

  const myBids = (bids.data?.bids.nodes ?? []).filter((b) => b.organizationId === organizationId);

  return (
    <Card title={t('bid.form')} style={{ marginTop: 16 }} data-testid="bid-panel">
      {project.bidDeadline && (
        <div style={{ marginBottom: 12 }}>
          <Countdown deadline={project.bidDeadline} />
          <div>
            <Typography.Text type="secondary">
              {t('project.deadline')}: {formatDateTime(project.bidDeadline)}
            </Typography.Text>
          </div>
        </div>
      )}
      {myBids.length > 0 && (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
          {myBids.map((b) => (
            <Descriptions.Item key={b.id} label={t('bid.mine')}>
              <Space wrap>
                <Tag color={b.status === 'SUBMITTED' ? 'blue' : b.status === 'AWARDED' ? 'green' : 'default'}>
                  {t(`bidStatus.${b.status}` as const)}
                </Tag>
                {b.priceFen !== null && formatFen(b.priceFen)}
                <Typography.Text type="secondary">{formatDateTime(b.submittedAt)}</Typography.Text>
                {b.rank && `${t('bid.rank')} ${b.rank}`}
                {b.totalScore && `${t('bid.totalScore')} ${b.totalScore}`}
              </Space>
            </Descriptions.Item>
          ))}
        </Descriptions>
      )}
      {open && (
        <>
          {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
          <Form<Values> form={form} layout="vertical" name="bid" onFinish={onFinish} initialValues={{ team: [], volunteerPlan: '' }}>
            <Form.Item
              name="priceFen"
              label={t('bid.price')}
              rules={moneyRules(t)}
              extra={`${t('project.budgetShort')} ${formatFen(project.budgetCeilingFen)}`}
            >
              <MoneyInput />
            </Form.Item>
            <Form.Item name="technicalProposal" label={t('bid.proposal')} rules={[requiredText(t)]}>
              <Input.TextArea rows={5} />
            </Form.Item>
            <RecommendedSocialWorkers
              projectId={project.id}
              organizationId={organizationId}
              team={team}
              onAdd={(id) => form.setFieldValue('team', [...(form.getFieldValue('team') ?? []).filter((x: string) => x !== id), id])}
            />
            <Form.Item name="team" label={t('bid.team')}>
              <Select
                mode="multiple"
                loading={org.loading}
                options={staff.map((w) => ({ value: w.id, label: `${w.name}（${t(`workerLevel.${w.level}` as const)}）` }))}
              />
            </Form.Item>
            <Form.Item name="volunteerPlan" label={t('bid.volunteerPlan')}>
              <Input.TextArea rows={3} />
            </Form.Item>
            <Space wrap>
              <Button type="primary" htmlType="submit" loading={submitState.loading}>
                {mine ? t('bid.replace') : t('bid.submit')}
              </Button>
              {mine && (
                <Popconfirm
                  title={t('bid.withdraw')}
                  onConfirm={() => void onWithdraw()}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                >
                  <Button danger loading={withdrawState.loading}>
                    {t('bid.withdraw')}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          </Form>
        </>
      )}
    </Card>
  );
}
