import { describe, expect, it } from 'vitest';
import { notificationText } from './notificationText';

const opened = {
  code: 'bids.opened',
  params: { project: '社区养老服务', valid: 4 },
  title: '已开标',
  body: '「社区养老服务」已开标，共 4 份有效投标。',
};

describe('notificationText', () => {
  it('renders a known code from the catalogue in English with its params', () => {
    expect(notificationText(opened, 'en-US')).toEqual({
      title: 'Bids opened',
      body: 'Bids for “社区养老服务” were opened: 4 valid.',
    });
  });

  it('renders the same code in Chinese from the catalogue', () => {
    expect(notificationText(opened, 'zh-CN')).toEqual({
      title: '已开标',
      body: '「社区养老服务」已开标，共 4 份有效投标。',
    });
  });

  it('shows the stored Chinese text for a code the catalogue does not know', () => {
    const unknown = { code: 'something.new', params: { x: 1 }, title: '新消息', body: '正文' };
    expect(notificationText(unknown, 'en-US')).toEqual({ title: '新消息', body: '正文' });
  });

  it('shows times in Beijing time and translates a coded param', () => {
    const reminder = {
      code: 'shift.reminder',
      params: { activity: '敬老', startsAt: '2026-12-05T01:30:00+00:00', place: '活动室' },
      title: '活动提醒',
      body: '',
    };
    expect(notificationText(reminder, 'en-US').body).toBe('“敬老” starts at 2026-12-05 09:30 at 活动室.');
    const finding = {
      code: 'finding.confirmed',
      params: { subject: '合同 #3', rule: 'PAYMENT_OUTSIDE_PERIOD' },
      title: '审计发现已确认',
      body: '',
    };
    expect(notificationText(finding, 'en-US').body).toBe('合同 #3: Payment dated outside the contract period (confirmed).');
  });

  it('leaves a missing param empty rather than showing the placeholder', () => {
    const cancelled = { code: 'activity.cancelled', params: { activity: '植树', reason: null }, title: '', body: '' };
    expect(notificationText(cancelled, 'zh-CN').body).toBe('「植树」已取消：');
  });
});
