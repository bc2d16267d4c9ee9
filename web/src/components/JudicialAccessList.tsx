import { Card, Empty, Table } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { judicialAccess, type JudicialAccess } from '../api/registry';
import { formatDateTime } from '../lib/format';

/** Who looked this registration up with a judicial API key, and when: shown to its owner (and admins). */
export function JudicialAccessList({ workId }: { workId: string }) {
  const { t } = useTranslation();
  const { data = [], error } = useQuery({ queryKey: ['judicial-access', workId], queryFn: () => judicialAccess(workId) });
  if (error) return null;
  return (
    <Card title={t('judicialAccess.title')} style={{ marginBottom: 16 }} data-testid="judicial-access">
      {data.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('judicialAccess.none')} />
      ) : (
        <Table<JudicialAccess>
          size="small"
          rowKey="id"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          dataSource={data}
          columns={[
            { title: t('judicialAccess.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
            { title: t('judicialAccess.holder'), dataIndex: 'holder' },
            { title: t('judicialAccess.key'), dataIndex: 'keyName' },
            { title: t('judicialAccess.scope'), dataIndex: 'scope', render: (s: string) => t(`apiKeys.scopes.${s.replace(':', '_')}`, { defaultValue: s }) },
          ]}
        />
      )}
    </Card>
  );
}
