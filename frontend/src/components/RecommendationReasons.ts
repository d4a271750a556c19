// How a match reason reads to a person. The server writes each reason's `text` in Chinese from
// the feature's template and its facts (docs/matching.md; matching/directions.py: "距离 1.2 公里",
// "具备所需技能：急救", "周六上午有空", "近 90 天出勤率 95%", "在本社区做过 3 次服务"). In Chinese the
// text is shown as it is; in English the reason code's translated label is shown with the value
// read out of the text where it has a recognisable shape (listed items, service categories and
// worker levels, distance, percentage, time slots, hours, counts).
import type { Locale, MessageKey } from '../i18n';
import { translate } from '../i18n';
import { REASON_CODES } from '../i18n/matching';
import { volunteeringEn, volunteeringZh } from '../i18n/volunteering';
import { procurementEn, procurementZh } from '../i18n/procurement';

export interface ReasonLike {
  code: string;
  text: string;
  weight: number;
}

const KNOWN = new Set<string>(REASON_CODES);
const LABEL_ONLY = new Set<string>(['LOAD', 'COLD_START', 'SMALL_ORGANIZATION']);

/** The translated name of a reason code, or null for a code this build does not know. */
export function reasonName(code: string, locale: Locale): string | null {
  return KNOWN.has(code) ? translate(locale, `match.reason.${code}` as MessageKey) : null;
}

const DAYS: Record<string, string> = { 一: 'Mon', 二: 'Tue', 三: 'Wed', 四: 'Thu', 五: 'Fri', 六: 'Sat', 日: 'Sun', 天: 'Sun' };
const SLOTS: Record<string, string> = { 上午: 'morning', 下午: 'afternoon', 晚上: 'evening' };

// Service categories and social-worker levels the server may name in a reason: Chinese → English.
const ZH_TO_EN = new Map<string, string>();
for (const [key, zh] of Object.entries(volunteeringZh)) {
  if (key.startsWith('category.')) ZH_TO_EN.set(zh, volunteeringEn[key as keyof typeof volunteeringEn]);
}
for (const [key, zh] of Object.entries(procurementZh)) {
  if (key.startsWith('workerLevel.') && key !== 'workerLevel.NONE') ZH_TO_EN.set(zh, procurementEn[key as keyof typeof procurementEn]);
}
// Longest first, so 高级社会工作师 is found before 社会工作师 inside it.
const LABELS = [...ZH_TO_EN.keys()].sort((a, b) => b.length - a.length);

function labelsIn(text: string): string[] {
  const found: string[] = [];
  let rest = text;
  for (const label of LABELS) {
    if (rest.includes(label)) {
      found.push(ZH_TO_EN.get(label) ?? label);
      rest = rest.split(label).join(' ');
    }
  }
  return found;
}

// Words the server's facts use for "nothing to match" and the like.
const PHRASES = new Map<string, string>([
  ['无特殊要求', 'none required'],
  ['无', 'none'],
]);

function translateItem(item: string): string {
  return ZH_TO_EN.get(item) ?? PHRASES.get(item) ?? item;
}

/** The value a Chinese reason text states, in English, or null when it has no shape we know. */
export function reasonValueEn(text: string): string | null {
  const t = text.trim();
  const colon = t.search(/[：:]/);
  if (colon >= 0 && colon < t.length - 1) {
    const items = t
      .slice(colon + 1)
      .split(/[、，,;；]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map(translateItem);
    if (items.length) return items.join(', ');
  }
  const count = /(\d+)\s*(?:个|家|名|位|份|项)/.exec(t);
  const labels = labelsIn(t);
  if (labels.length) return count ? `${labels.join(', ')} (${count[1]})` : labels.join(', ');
  const km = /(\d+(?:\.\d+)?)\s*(?:公里|千米|km)/i.exec(t);
  if (km) return `${km[1]} km`;
  const metres = /(\d+(?:\.\d+)?)\s*米/.exec(t);
  if (metres) return `${metres[1]} m`;
  const percent = /(\d+(?:\.\d+)?)\s*[%％]/.exec(t);
  if (percent) return `${percent[1]}%`;
  const slots = [...t.matchAll(/周([一二三四五六日天])\s*(上午|下午|晚上)/g)].map((m) => `${DAYS[m[1]]} ${SLOTS[m[2]]}`);
  if (slots.length) return slots.join(', ');
  const hours = /(\d+(?:\.\d+)?)\s*(?:个)?小时/.exec(t);
  if (hours) return `${hours[1]} h`;
  const times = /(\d+)\s*次/.exec(t);
  if (times) return times[1] === '1' ? '1 time' : `${times[1]} times`;
  if (count) return count[1];
  return null;
}

/**
 * The words of one reason tag: the server's Chinese text in Chinese; the translated label and
 * the value in English ("Nearby: 1.2 km"); the label alone when no value can be read; the text
 * when the code is unknown to this build.
 */
export function reasonLabel(reason: ReasonLike, locale: Locale): string {
  const name = reasonName(reason.code, locale);
  if (locale === 'zh-CN') return reason.text.trim() || name || reason.code;
  if (!name) return reason.text || reason.code;
  // A load reason's number is the current load ("在手团队 0 个，尚有余力"): next to "Has capacity"
  // it would read as the capacity, so the label stands alone.
  const value = reason.text && !LABEL_ONLY.has(reason.code) ? reasonValueEn(reason.text) : null;
  return value ? `${name}: ${value}` : name;
}

/** A score in [0, 1] as a whole percentage, clamped. */
export function scorePercent(score: number): number {
  if (!Number.isFinite(score)) return 0;
  return Math.max(0, Math.min(100, Math.round(score * 100)));
}
