import { Button, Dropdown } from 'antd';
import { GlobalOutlined } from '@ant-design/icons';
import { useI18n, type Locale } from '../i18n';

const LANGUAGES: { value: Locale; label: string }[] = [
  { value: 'zh-CN', label: '中文' },
  { value: 'en-US', label: 'English' },
];

/** A menu rather than a Select: the shell loads before anything else, and Select is heavy. */
export function LanguageSwitch() {
  const { locale, setLocale, t } = useI18n();
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [locale],
        items: LANGUAGES.map((l) => ({ key: l.value, label: <span title={l.label}>{l.label}</span> })),
        onClick: ({ key }) => setLocale(key as Locale),
      }}
    >
      <Button
        type="text"
        size="small"
        className="mm-header-button"
        aria-label={t('shell.language')}
        data-testid="language-switch"
        icon={<GlobalOutlined />}
      >
        {LANGUAGES.find((l) => l.value === locale)?.label}
      </Button>
    </Dropdown>
  );
}
