import { useEffect, useState } from 'react';
import { Typography } from 'antd';
import { useI18n } from '../i18n';

/** A live countdown to a deadline (ISO), announced politely to screen readers once a minute. */
export function Countdown({ deadline }: { deadline: string }) {
  const { t } = useI18n();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = Math.max(0, Math.floor((new Date(deadline).getTime() - now) / 1000));
  if (left === 0) {
    return (
      <Typography.Text type="danger" strong data-testid="countdown">
        {t('countdown.passed')}
      </Typography.Text>
    );
  }
  const d = Math.floor(left / 86400);
  const h = Math.floor((left % 86400) / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return (
    <Typography.Text strong type={left < 86400 ? 'warning' : undefined} data-testid="countdown" role="timer">
      {t('countdown.left', { d, h, m, s })}
    </Typography.Text>
  );
}
