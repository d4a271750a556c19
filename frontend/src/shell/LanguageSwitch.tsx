import { Select } from 'antd';
import { useI18n, type Locale } from '../i18n';

export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Select<Locale>
      aria-label={t('shell.language')}
      data-testid="language-switch"
      size="small"
      value={locale}
      onChange={setLocale}
      style={{ width: 96 }}
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en-US', label: 'English' },
      ]}
    />
  );
}
