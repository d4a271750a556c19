import { Result } from 'antd';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <Result
      status="404"
      title={t('common.notFound')}
      extra={
        <LinkButton to="/" type="primary">
          {t('common.home')}
        </LinkButton>
      }
    />
  );
}
