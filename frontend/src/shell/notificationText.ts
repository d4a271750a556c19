import { translate, type Locale, type MessageKey } from '../i18n';
import { zh } from '../i18n/zh';
import { formatDateTime } from '../components/format';

/** What a notification carries for rendering (the `Notification` fields). */
export interface NotificationMessage {
  code: string;
  params: unknown;
  title: string;
  body: string;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
/** Params whose value is itself a code, by the catalogue prefix that names it. */
const CODED_PARAMS: Record<string, string> = { rule: 'find.rule.' };

function isKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(zh, key);
}

function paramValue(name: string, value: unknown, locale: Locale): string | number {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return value == null ? '' : String(value);
  const prefix = CODED_PARAMS[name];
  if (prefix && isKey(prefix + value)) return translate(locale, (prefix + value) as MessageKey);
  if (ISO_DATE_TIME.test(value)) return formatDateTime(value);
  return value;
}

/**
 * The notification in the reader's language: the catalogue's `notification.<code>.title/.body`
 * filled with its params (times in Beijing time, coded values translated); a code the catalogue
 * does not know shows the Chinese text the server stored.
 */
export function notificationText(n: NotificationMessage, locale: Locale): { title: string; body: string } {
  const titleKey = `notification.${n.code}.title`;
  const bodyKey = `notification.${n.code}.body`;
  if (!isKey(titleKey) || !isKey(bodyKey)) return { title: n.title, body: n.body };
  const params: Record<string, string | number> = {};
  if (n.params && typeof n.params === 'object') {
    for (const [name, value] of Object.entries(n.params as Record<string, unknown>)) {
      params[name] = paramValue(name, value, locale);
    }
  }
  return { title: translate(locale, titleKey, params), body: translate(locale, bodyKey, params) };
}
