import { Card, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';

export function PublicLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { data } = useSession();
  return (
    <div className="cws-public">
      <div style={{ position: 'absolute', top: 16, right: 24 }}>
        <LanguageSwitch />
      </div>
      <Typography.Title level={3} style={{ marginBottom: 4 }} data-testid="institution-name">
        {data?.institution || t('app.name')}
      </Typography.Title>
      <Typography.Text type="secondary" style={{ marginBottom: 24 }}>
        {t('app.name')}
      </Typography.Text>
      <Card className="cws-public-card" title={title}>
        {children}
      </Card>
    </div>
  );
}
