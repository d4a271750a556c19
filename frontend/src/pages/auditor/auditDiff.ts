// One audit event in people's words: its phrase, its subject, its before/after field by field
// (docs/oversight.md, "The audit log page").
import type { Translate } from '../../i18n';
import type { MessageKey } from '../../i18n/zh';

export interface FieldChange {
  field: string;
  before: string;
  after: string;
  changed: boolean;
  /** The field exists on one side only (a creation, a removal). */
  oneSided: boolean;
}

type Snapshot = Record<string, unknown> | null | undefined;

function asObject(value: unknown): Snapshot {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A value as the page shows it: text as is, everything else as compact JSON, absent as "—". */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (value === null) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Every field of either snapshot, changed ones first, each group in name order. */
export function diffSnapshots(before: unknown, after: unknown): FieldChange[] {
  const b = asObject(before);
  const a = asObject(after);
  const fields = new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})]);
  const rows = [...fields].map((field) => {
    const was = b ? b[field] : undefined;
    const now = a ? a[field] : undefined;
    return {
      field,
      before: showValue(was),
      after: showValue(now),
      changed: JSON.stringify(was) !== JSON.stringify(now),
      oneSided: !(b && field in b) || !(a && field in a),
    };
  });
  return rows.sort((x, y) => Number(y.changed) - Number(x.changed) || x.field.localeCompare(y.field));
}

/** Where a subject can be opened, if anywhere: a project (or a row naming its project) opens its
 * evidence chain; an activity opens its public page. */
export function subjectLink(subjectType: string, subjectId: number | null, before: unknown, after: unknown): string | null {
  if (subjectType === 'Project' && subjectId) return `/app/evidence/${subjectId}`;
  if (subjectType === 'Activity' && subjectId) return `/activities/${subjectId}`;
  const projectId = asObject(after)?.project_id ?? asObject(before)?.project_id;
  if (typeof projectId === 'number') return `/app/evidence/${projectId}`;
  return null;
}

/** A catalogued phrase, or the fallback when the catalogue lacks the key. */
function phrase(t: Translate, key: string, fallback: string): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}

export function actionText(t: Translate, code: string): string {
  return phrase(t, `auditAction.${code}`, t('auditLog.unknownAction', { code }));
}

export function subjectText(t: Translate, type: string, id: number | null): string {
  const name = phrase(t, `auditSubject.${type}`, type);
  return id ? `${name} #${id}` : name;
}
