import { describe, expect, it } from 'vitest';
import { actionText, diffSnapshots, showValue, subjectLink, subjectText } from './auditDiff';
import { translate, type Translate } from '../../i18n';

describe('diffSnapshots', () => {
  it('marks changed fields and lists them before the unchanged ones', () => {
    const rows = diffSnapshots({ status: 'DRAFT', title: '助老', budget: 1 }, { status: 'SUBMITTED', title: '助老', budget: 2 });
    expect(rows.map((r) => [r.field, r.changed])).toEqual([
      ['budget', true],
      ['status', true],
      ['title', false],
    ]);
    expect(rows[1]).toMatchObject({ before: 'DRAFT', after: 'SUBMITTED', oneSided: false });
  });

  it('shows a creation as fields present on the after side only', () => {
    const rows = diffSnapshots(null, { name: '朝山街社区', tags: ['a'] });
    expect(rows).toEqual([
      { field: 'name', before: '—', after: '朝山街社区', changed: true, oneSided: true },
      { field: 'tags', before: '—', after: '["a"]', changed: true, oneSided: true },
    ]);
  });

  it('tells null from absent and compares nested values by content', () => {
    expect(showValue(null)).toBe('∅');
    expect(showValue(undefined)).toBe('—');
    expect(diffSnapshots({ x: { a: 1 } }, { x: { a: 1 } })[0].changed).toBe(false);
    expect(diffSnapshots({ x: null }, {})[0]).toMatchObject({ changed: true, before: '∅', after: '—' });
  });
});

describe('subjectLink', () => {
  it('opens a project, an activity, or the project a row names', () => {
    expect(subjectLink('Project', 7, null, null)).toBe('/app/evidence/7');
    expect(subjectLink('Activity', 3, null, null)).toBe('/activities/3');
    expect(subjectLink('Payment', 9, null, { project_id: 7 })).toBe('/app/evidence/7');
    expect(subjectLink('Account', 9, null, { username: 'x' })).toBeNull();
  });
});

describe('actionText', () => {
  it('reads the catalogue in both languages and falls back to the code', () => {
    const zhT: Translate = (key, params) => translate('zh-CN', key, params);
    const enT: Translate = (key, params) => translate('en-US', key, params);
    expect(actionText(zhT, 'project.submit')).toBe('提交了项目审批');
    expect(actionText(enT, 'project.submit')).toBe('submitted a project for approval');
    expect(actionText(enT, 'nobody.knows')).toBe('did nobody.knows');
    expect(subjectText(zhT, 'Project', 12)).toBe('项目 #12');
    expect(subjectText(enT, 'Mystery', null)).toBe('Mystery');
  });
});
