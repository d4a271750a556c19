import { Card, Progress, Rate, Space, Statistic, Typography } from 'antd';
import { starProgress } from '../../components/enums';
import { useI18n } from '../../i18n';

/** Star level (1–5 at 100/300/600/1000/1500 approved hours) with progress to the next. */
export function StarCard({ totalMinutes, totalHours, starLevel }: { totalMinutes: number; totalHours: string; starLevel: number }) {
  const { t } = useI18n();
  const progress = starProgress(totalMinutes);
  return (
    <Card data-testid="star-card">
      <Space wrap size="large" align="center">
        <Statistic title={t('hours.total')} value={totalHours} suffix="h" />
        <div>
          <Typography.Text type="secondary">{t('star.level')}</Typography.Text>
          <div>
            <Rate disabled value={starLevel} aria-label={starLevel ? t('star.stars', { n: starLevel }) : t('star.none')} />
          </div>
          <Typography.Text>{starLevel ? t('star.stars', { n: starLevel }) : t('star.none')}</Typography.Text>
        </div>
      </Space>
      <div style={{ marginTop: 12 }}>
        <Progress percent={progress.percent} showInfo={false} aria-label={t('star.level')} />
        <Typography.Text type="secondary">
          {progress.next ? t('star.next', { n: progress.next, hours: progress.hoursToNext }) : t('star.max')}
        </Typography.Text>
      </div>
    </Card>
  );
}
