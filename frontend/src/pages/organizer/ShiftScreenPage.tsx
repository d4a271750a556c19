import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Button, Card, Col, Popconfirm, Row, Space, Table, Tag, Typography, App as AntApp } from 'antd';
import QRCode from 'qrcode';
import {
  CheckOutRosterDocument,
  SetNoShowDocument,
  ShiftCheckinCodeDocument,
  ShiftDetailDocument,
  ShiftRosterDocument,
  type ShiftRosterQuery,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { MarkAttendedModal } from './MarkAttendedModal';
import { ShiftMatchingPanel } from './ShiftMatchingPanel';

type RosterRow = ShiftRosterQuery['shiftRoster']['nodes'][number];
const COLORS: Record<string, string> = { CONFIRMED: 'green', WAITLISTED: 'gold', OFFERED: 'orange', ATTENDED: 'blue', NO_SHOW: 'red' };

/** The organizer's screen at the activity: the rotating code, large and as QR, and the live roster. */
export function ShiftScreenPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const shift = useQuery(ShiftDetailDocument, { id });
  // The code rotates every minute: poll often so the screen never shows a stale one for long.
  const code = useQuery(ShiftCheckinCodeDocument, { shiftId: id }, { pollMs: 5000 });
  const roster = useQuery(ShiftRosterDocument, { shiftId: id, first: 100 }, { pollMs: 5000 });
  const [setNoShow, noShowState] = useMutation(SetNoShowDocument);
  const [checkOutAll, checkOutState] = useMutation(CheckOutRosterDocument);
  // The roster row whose attendance the organizer is recording (the modal is open while set).
  const [marking, setMarking] = useState<RosterRow | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const payload = code.data?.shiftCheckinCode.qrPayload;

  useEffect(() => {
    let live = true;
    if (payload) {
      QRCode.toDataURL(payload, { width: 280, margin: 1, errorCorrectionLevel: 'M' })
        .then((url) => live && setQr(url))
        .catch(() => live && setQr(null));
    }
    return () => {
      live = false;
    };
  }, [payload]);

  const s = shift.data?.node?.__typename === 'Shift' ? shift.data.node : null;

  const noShow = async (row: RosterRow, value: boolean) => {
    try {
      const r = (await setNoShow({ input: { signupId: row.id, noShow: value } })).setNoShow;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await roster.refetch();
  };

  // A volunteer without a phone: the organizer records the attendance, with the times chosen in the modal.
  const attended = async (minutes: number) => {
    setMarking(null);
    void message.success(t('shift.markedAttended', { minutes }));
    await roster.refetch();
  };

  const closeAll = async () => {
    try {
      const r = (await checkOutAll({ input: { shiftId: id } })).checkOutRoster;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else void message.success(t('shift.checkedOutAll', { n: r.checkedOut }));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await roster.refetch();
  };

  return (
    <div data-testid="shift-screen">
      <ListState loading={shift.loading} error={shift.error} empty={!s} onRetry={() => void shift.refetch()}>
        {s && (
          <>
            <Typography.Title level={2} style={{ marginTop: 0 }}>
              {s.activity?.title} · {t('shift.screen')}
            </Typography.Title>
            <Typography.Paragraph type="secondary">
              {formatDateTime(s.startsAt)} – {formatDateTime(s.endsAt).slice(11)} · {s.activity?.placeName} ·{' '}
              {t('shift.taken', { taken: s.placesTaken, capacity: s.capacity })}
            </Typography.Paragraph>
          </>
        )}
      </ListState>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={10}>
          <Card>
            <ListState loading={code.loading} error={code.error} empty={!code.data} onRetry={() => void code.refetch()}>
              {code.data && (
                <div style={{ textAlign: 'center' }}>
                  <Typography.Text type="secondary">{t('shift.codeHint')}</Typography.Text>
                  <div className="mm-big-code" data-testid="checkin-code" aria-live="polite" aria-label={t('checkin.code')}>
                    {code.data.shiftCheckinCode.code}
                  </div>
                  {qr && <img className="mm-qr" src={qr} width={280} height={280} alt={t('checkin.code')} data-testid="checkin-qr" />}
                  <Typography.Text type="secondary">
                    {t('shift.validUntil', { time: formatDateTime(code.data.shiftCheckinCode.validUntil) })}
                  </Typography.Text>
                </div>
              )}
            </ListState>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card
            title={t('shift.roster')}
            extra={
              <Popconfirm
                title={t('shift.checkOutAll')}
                onConfirm={() => void closeAll()}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
              >
                <Button loading={checkOutState.loading}>{t('shift.checkOutAll')}</Button>
              </Popconfirm>
            }
          >
            <ListState
              loading={roster.loading}
              error={roster.error}
              empty={(roster.data?.shiftRoster.nodes ?? []).length === 0}
              onRetry={() => void roster.refetch()}
            >
              <Table<RosterRow>
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={roster.data?.shiftRoster.nodes ?? []}
                scroll={{ x: true }}
                columns={[
                  { title: t('shift.volunteer'), render: (_, r) => r.participant?.name ?? '—' },
                  { title: t('shift.number'), render: (_, r) => r.participant?.volunteerNumber ?? '—' },
                  {
                    title: t('shift.status'),
                    dataIndex: 'status',
                    render: (st: RosterRow['status'], r) => (
                      <Tag color={COLORS[st]}>
                        {st === 'WAITLISTED' && r.waitlistPosition
                          ? t('activity.waitlistPosition', { n: r.waitlistPosition })
                          : t(`signup.${st}` as const)}
                      </Tag>
                    ),
                  },
                  {
                    title: t('common.actions'),
                    render: (_, r) =>
                      r.status === 'CONFIRMED' || r.status === 'NO_SHOW' ? (
                        <Space size="small" wrap>
                          <Button size="small" type="primary" onClick={() => setMarking(r)} data-testid="mark-attended">
                            {t('shift.markAttended')}
                          </Button>
                          {r.status === 'CONFIRMED' ? (
                            <Button size="small" danger loading={noShowState.loading} onClick={() => void noShow(r, true)}>
                              {t('shift.markNoShow')}
                            </Button>
                          ) : (
                            <Button size="small" loading={noShowState.loading} onClick={() => void noShow(r, false)}>
                              {t('shift.undoNoShow')}
                            </Button>
                          )}
                        </Space>
                      ) : null,
                  },
                ]}
              />
            </ListState>
          </Card>
        </Col>
      </Row>
      {s && !s.isCancelled && Date.parse(s.startsAt) > Date.now() && <ShiftMatchingPanel shiftId={id} />}
      {marking && s && (
        <MarkAttendedModal
          key={marking.id}
          shift={{ startsAt: s.startsAt, endsAt: s.endsAt }}
          signupId={marking.id}
          volunteerName={marking.participant?.name ?? '—'}
          onClose={() => setMarking(null)}
          onDone={(minutes) => void attended(minutes)}
        />
      )}
    </div>
  );
}
