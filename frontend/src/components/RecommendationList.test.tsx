import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { I18nProvider } from '../i18n';
import { RecommendationList, ReasonTags } from './RecommendationList';
import { reasonLabel, reasonValueEn, scorePercent } from './RecommendationReasons';

const REASONS = [
  { code: 'DISTANCE', text: '距离 1.2 公里', weight: 0.31 },
  { code: 'SKILLS', text: '具备所需技能：急救', weight: 0.22 },
  { code: 'TIME', text: '周六上午有空', weight: 0.12 },
];

const ITEMS = [
  { id: 'a', name: '赵志愿', rank: 1, score: 0.873, reasons: REASONS },
  { id: 'b', name: '钱志愿', rank: 2, score: 0.41, reasons: [{ code: 'RELIABILITY', text: '近 90 天出勤率 95%', weight: 0.2 }] },
];

function renderIn(locale: 'zh-CN' | 'en-US', ui: React.ReactElement) {
  window.localStorage.setItem('mm.locale', locale);
  return render(<I18nProvider>{ui}</I18nProvider>);
}

afterEach(() => {
  cleanup();
  window.localStorage.clear();
});

describe('reason tags', { timeout: 20_000 }, () => {
  it('show the server’s Chinese text as it is in Chinese', () => {
    renderIn('zh-CN', <ReasonTags reasons={REASONS} />);
    const tags = within(screen.getByTestId('reason-tags'));
    expect(tags.getByText('距离 1.2 公里')).toBeTruthy();
    expect(tags.getByText('具备所需技能：急救')).toBeTruthy();
    expect(tags.getByText('周六上午有空')).toBeTruthy();
  });

  it('show the translated label and the value read from the text in English, with the Chinese text as tooltip', () => {
    renderIn('en-US', <ReasonTags reasons={REASONS} />);
    const tags = within(screen.getByTestId('reason-tags'));
    expect(tags.getByText('Nearby: 1.2 km').getAttribute('title')).toBe('距离 1.2 公里');
    expect(tags.getByText('Skills match: 急救')).toBeTruthy();
    expect(tags.getByText('Fits the schedule: Sat morning')).toBeTruthy();
  });

  it('fall back to the label alone, or to the text for a code this build does not know', () => {
    expect(reasonLabel({ code: 'LOAD', text: '近期服务负荷较轻', weight: 0.1 }, 'en-US')).toBe('Has capacity');
    expect(reasonLabel({ code: 'LOAD', text: '在手团队 0 个，尚有余力', weight: 0.1 }, 'en-US')).toBe('Has capacity');
    expect(reasonLabel({ code: 'NEW_THING', text: '新的理由', weight: 0.1 }, 'en-US')).toBe('新的理由');
    expect(reasonLabel({ code: 'NEW_THING', text: '新的理由', weight: 0.1 }, 'zh-CN')).toBe('新的理由');
    expect(reasonLabel({ code: 'COLD_START', text: '', weight: 0 }, 'zh-CN')).toBe('冷启动');
  });

  it('read percentages, counts, hours and service categories out of Chinese texts', () => {
    expect(reasonValueEn('近 90 天出勤率 95%')).toBe('95%');
    expect(reasonValueEn('在本社区做过 3 次服务')).toBe('3 times');
    expect(reasonValueEn('本月受邀 1 次，机会较少')).toBe('1 time');
    expect(reasonValueEn('关注为老服务类活动')).toBe('Elderly care');
    expect(reasonValueEn('在为老服务领域做过 4 个项目')).toBe('Elderly care (4)');
    expect(reasonValueEn('高级社会工作师，登记有效')).toBe('Senior social worker');
    expect(reasonValueEn('还有 8 个名额')).toBe('8');
    expect(reasonValueEn('里程碑按时率 90%')).toBe('90%');
    expect(reasonValueEn('项目内容与机构简介相近')).toBeNull();
    expect(reasonValueEn('具备所需技能：无特殊要求')).toBe('none required');
    expect(reasonValueEn('近 30 天服务 12 小时')).toBe('12 h');
    expect(reasonValueEn('服务领域：为老服务、社区融入')).toBe('Elderly care, Community integration');
    expect(reasonValueEn('周六上午、周日下午有空')).toBe('Sat morning, Sun afternoon');
  });
});

describe('recommendation list', { timeout: 20_000 }, () => {
  const base = {
    items: ITEMS,
    rowKey: (i: (typeof ITEMS)[number]) => i.id,
    title: (i: (typeof ITEMS)[number]) => <span>{i.name}</span>,
  };

  it('shows rank, score as a percentage and reasons for each item', () => {
    renderIn('zh-CN', <RecommendationList {...base} modelVersion="v3" />);
    const rows = screen.getAllByTestId('recommendation');
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByLabelText('第 1 名')).toBeTruthy();
    expect(within(rows[0]).getByText('87%')).toBeTruthy();
    expect(within(rows[1]).getByText('近 90 天出勤率 95%')).toBeTruthy();
    expect(screen.getByText('模型 v3')).toBeTruthy();
    expect(screen.queryByTestId('cold-start-badge')).toBeNull();
  });

  it('shows the 冷启动 badge (and no model version) when the list was ranked cold', () => {
    renderIn('zh-CN', <RecommendationList {...base} coldStart modelVersion={null} />);
    expect(within(screen.getByTestId('cold-start-badge')).getByText('冷启动')).toBeTruthy();
  });

  it('says 冷启动 once for a cold list, with the server’s text, instead of a COLD_START tag on every row', () => {
    const cold = ITEMS.map((i) => ({
      ...i,
      reasons: [...i.reasons, { code: 'COLD_START', text: '新模型尚在积累数据，按通用规则推荐', weight: 0 }],
    }));
    renderIn('zh-CN', <RecommendationList {...base} items={cold} coldStart />);
    expect(screen.getAllByText('新模型尚在积累数据，按通用规则推荐')).toHaveLength(1);
    expect(screen.getAllByTestId('cold-start-badge')).toHaveLength(1);
    expect(screen.getByText('距离 1.2 公里')).toBeTruthy();
  });

  it('shows the cold-start badge in English too', () => {
    renderIn('en-US', <RecommendationList {...base} coldStart />);
    expect(within(screen.getByTestId('cold-start-badge')).getByText('Cold start')).toBeTruthy();
    expect(screen.getByLabelText('#1')).toBeTruthy();
  });

  it('lets the user tick items for a batch action, each checkbox named after its item', () => {
    const onChange = vi.fn();
    renderIn('zh-CN', <RecommendationList {...base} selection={{ selected: ['b'], onChange, name: (i) => i.name }} />);
    fireEvent.click(screen.getByLabelText('选择 赵志愿'));
    expect(onChange).toHaveBeenLastCalledWith(['b', 'a']);
    fireEvent.click(screen.getByLabelText('选择 钱志愿'));
    expect(onChange).toHaveBeenLastCalledWith([]);
  });

  it('says so when there is nothing to recommend', () => {
    renderIn('zh-CN', <RecommendationList {...base} items={[]} />);
    expect(screen.getByText('暂无推荐')).toBeTruthy();
  });

  it('clamps scores to 0–100 %', () => {
    expect(scorePercent(1.3)).toBe(100);
    expect(scorePercent(-0.2)).toBe(0);
    expect(scorePercent(Number.NaN)).toBe(0);
    expect(scorePercent(0.005)).toBe(1);
  });
});
