import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import timezone from 'dayjs/plugin/timezone';

dayjs.extend(utc);
dayjs.extend(timezone);

/** Times are stored in UTC and shown in Asia/Shanghai, whatever the browser's zone. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dayjs(iso).tz('Asia/Shanghai').format('YYYY-MM-DD HH:mm');
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  return dayjs(iso).tz('Asia/Shanghai').format('YYYY-MM-DD');
}

/** Money is integer fen; shown as yuan with two decimals (¥12,345.60). */
export function formatFen(fen: number | string | null | undefined): string {
  if (fen === null || fen === undefined || fen === '') return '—';
  const value = typeof fen === 'string' ? Number(fen) : fen;
  const yuan = Math.trunc(value / 100);
  const cents = Math.abs(value % 100);
  return `¥${yuan.toLocaleString('zh-CN')}.${String(cents).padStart(2, '0')}`;
}

/** Parse a yuan amount typed by a user ("12,345.6") to integer fen, or null. */
export function yuanToFen(text: string): number | null {
  const cleaned = text.replace(/[,\s¥￥]/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  const [whole, frac = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** A file size for people: 980 B, 12.3 KB, 4.5 MB (1 KB = 1024 B). */
export function formatBytes(size: number): string {
  if (!Number.isFinite(size) || size < 0) return '—';
  if (size < 1024) return `${size} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = size / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
