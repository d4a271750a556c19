// Put server-side typed errors next to the right form field.
import type { FormInstance } from 'antd';
import { ApiError, type UserErrorLike } from './client';
import { errorMessage, isKnownCode } from '../errors/catalogue';
import type { Locale } from '../i18n';

/** API field names may be paths ("input.phone", "milestones.0.amount"); forms use the last
 * segment unless the form has the full path. */
export function formFieldFor(field: string, known: string[]): string | (string | number)[] | null {
  const parts = field.split('.').filter((p) => p !== 'input');
  const path = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const dotted = parts.join('.');
  if (known.includes(dotted)) return path.length === 1 ? String(path[0]) : path;
  const last = parts[parts.length - 1];
  if (last && known.includes(last)) return last;
  return null;
}

/**
 * Show `errors` on `form`. Returns the messages that belong to no field of the form (shown by
 * the caller as a form-level alert).
 */
export function applyUserErrors(form: FormInstance | null, errors: UserErrorLike[], locale: Locale, knownFields: string[] = []): string[] {
  const general: string[] = [];
  const byField = new Map<string | (string | number)[], string[]>();
  for (const err of errors) {
    const message = errorMessage(err.code, locale, err.message);
    const target = err.field && form ? formFieldFor(err.field, knownFields) : null;
    if (target === null) {
      general.push(message);
    } else {
      const key = target;
      byField.set(key, [...(byField.get(key) ?? []), message]);
    }
  }
  if (form) form.setFields([...byField.entries()].map(([name, msgs]) => ({ name, errors: msgs })));
  return general;
}

/** A message for anything thrown by `request`. A server fault carries the request id the server
 * logged it under, shown so that the user can quote it (docs/architecture.md, error shape). */
export function describeError(exc: unknown, locale: Locale): string {
  if (!(exc instanceof ApiError)) return errorMessage('UNKNOWN', locale);
  const text = errorMessage(exc.code, locale, exc.message);
  // Errors the user can act on (FORBIDDEN, NOT_FOUND…) need no id; a server fault does.
  if (!exc.requestId || (exc.code !== 'INTERNAL' && isKnownCode(exc.code))) return text;
  return locale === 'zh-CN' ? `${text}（请求编号：${exc.requestId}）` : `${text} (request id: ${exc.requestId})`;
}
