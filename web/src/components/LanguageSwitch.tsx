import { Button } from 'antd';
import { useTranslation } from 'react-i18next';

/** Toggles zh-CN / en; the choice is kept in localStorage (see i18n/index.ts). */
export function LanguageSwitch({ dark = false }: { dark?: boolean }) {
  const { i18n, t } = useTranslation();
  const next = i18n.language === 'en' ? 'zh-CN' : 'en';
  return (
    <Button
      size="small"
      ghost={dark}
      data-testid="lang-switch"
      aria-label={t('common.switchLanguage')}
      onClick={() => void i18n.changeLanguage(next)}
    >
      {next === 'en' ? 'English' : '中文'}
    </Button>
  );
}
