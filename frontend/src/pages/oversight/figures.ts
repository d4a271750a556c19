// Pure helpers of the oversight screens: money from fen, hours from minutes, the HHI flag, the
// decision note rule and links from a finding to the pages of what it is about.
import type { Locale, MessageKey } from '../../i18n';

/** The HHI above which the server flags awarded value as highly concentrated (docs/oversight.md). */
export const HHI_FLAG = 2500;

/** Exact yuan from integer fen, sign kept: -50 → "-¥0.50", 1234560 → "¥12,345.60". */
export function yuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const whole = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}¥${whole.toLocaleString('en-US')}.${String(cents).padStart(2, '0')}`;
}

/**
 * A headline amount, short: in Chinese 万元/亿元 from 10 000 yuan up (¥123.46万), in English
 * K/M/B; below that the exact amount.
 */
export function yuanShort(fen: number | null | undefined, locale: Locale): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return '—';
  const value = fen / 100;
  const abs = Math.abs(value);
  const sign = value < 0 ? '-' : '';
  const scaled = (n: number) => (Math.round(n * 100) / 100).toFixed(2);
  if (locale === 'zh-CN') {
    if (abs >= 1e8) return `${sign}¥${scaled(abs / 1e8)}亿`;
    if (abs >= 1e4) return `${sign}¥${scaled(abs / 1e4)}万`;
    return yuan(fen);
  }
  if (abs >= 1e9) return `${sign}¥${scaled(abs / 1e9)}B`;
  if (abs >= 1e6) return `${sign}¥${scaled(abs / 1e6)}M`;
  if (abs >= 1e4) return `${sign}¥${scaled(abs / 1e3)}K`;
  return yuan(fen);
}

/** Fen to a yuan number for charts (two decimals). */
export function fenToYuanNumber(fen: number): number {
  return Math.round(fen) / 100;
}

/** Minutes to hours with one decimal: 90 → 1.5, 125 → 2.1. */
export function hours(minutes: number): number {
  return Math.round((minutes / 60) * 10) / 10;
}

/** A 0–1 share as a percentage with one decimal, or — when unknown. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return `${(Math.round(share * 1000) / 10).toFixed(1)}%`;
}

export type HhiState = 'none' | 'ok' | 'flagged';

/**
 * How to show the HHI: 'none' without awards (hhi null), 'flagged' above HHI_FLAG, else 'ok'.
 * The server's `hhiFlagged` decides when given (its threshold is configurable); the local
 * threshold only fills in when the flag is absent.
 */
export function hhiState(hhi: number | null | undefined, serverFlag?: boolean | null): HhiState {
  if (hhi === null || hhi === undefined) return 'none';
  if (serverFlag !== undefined && serverFlag !== null) return serverFlag ? 'flagged' : 'ok';
  return hhi > HHI_FLAG ? 'flagged' : 'ok';
}

export const NOTE_MAX = 1000;

/** The decision note: required (not only spaces), at most 1000 characters (as the server). */
export function noteProblem(note: string | null | undefined): MessageKey | null {
  const text = (note ?? '').trim();
  if (!text) return 'find.noteRequired';
  if ([...text].length > NOTE_MAX) return 'find.noteTooLong';
  return null;
}

/** A Relay global id as the server makes it: urlsafe base64 of "Type:pk". */
export function globalId(typeName: string, pk: number | string): string {
  const raw = `${typeName}:${pk}`;
  const b64 = typeof btoa === 'function' ? btoa(raw) : Buffer.from(raw, 'utf8').toString('base64');
  return b64.replace(/\+/g, '-').replace(/\//g, '_');
}

export interface SubjectLink {
  to: string;
  type: string;
  label: string;
}

/**
 * Pages a finding can link to: the subject when it is a project (the project page), and the
 * projects named in the evidence (`projectId`, `projectIds`). Payments, milestones, contracts
 * and service records have no page of their own.
 */
export function subjectLinks(subject: { type: string; id: string; label: string }, evidence: unknown): SubjectLink[] {
  const links: SubjectLink[] = [];
  const seen = new Set<string>();
  const add = (id: string, label: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    links.push({ to: `/projects/${id}`, type: 'Project', label });
  };
  if (subject.type === 'Project') add(subject.id, subject.label);
  if (evidence && typeof evidence === 'object' && !Array.isArray(evidence)) {
    const ev = evidence as Record<string, unknown>;
    const title = typeof ev.projectTitle === 'string' ? ev.projectTitle : null;
    if (typeof ev.projectId === 'number' || typeof ev.projectId === 'string') {
      add(globalId('Project', ev.projectId), title ?? `#${ev.projectId}`);
    }
    if (Array.isArray(ev.projectIds)) {
      for (const pk of ev.projectIds) {
        if (typeof pk === 'number' || typeof pk === 'string') add(globalId('Project', pk), `#${pk}`);
      }
    }
  }
  return links;
}

/**
 * One evidence entry for display: amounts in *Fen as yuan (also inside lists and objects), lists
 * joined with commas, objects as "key value" pairs, several objects one per line.
 */
export function evidenceValue(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (/Fen$/.test(key) && typeof value === 'number') return yuan(value);
  if (Array.isArray(value)) {
    const objects = value.some((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    return value.map((v) => evidenceValue(key, v)).join(objects ? '\n' : ', ');
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k} ${evidenceValue(k, v)}`)
      .join(' · ');
  }
  return String(value);
}

/** Evidence as [key, value] pairs in the server's order; a non-object is one 'value' entry. */
export function evidenceEntries(evidence: unknown): [string, string][] {
  if (evidence && typeof evidence === 'object' && !Array.isArray(evidence)) {
    return Object.entries(evidence as Record<string, unknown>).map(([k, v]) => [k, evidenceValue(k, v)]);
  }
  return evidence === null || evidence === undefined ? [] : [['value', evidenceValue('value', evidence)]];
}

/** Years offered by the year filter: this year and the four before it. */
export function yearOptions(now: Date = new Date()): number[] {
  const year = now.getFullYear();
  return [0, 1, 2, 3, 4].map((n) => year - n);
}
