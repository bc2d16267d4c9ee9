import { Alert, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** What POST /api/verify/file answers under `similar` (src/services/similarity.service.ts, PublicSimilarResult). */
export interface SimilarResult {
  status: 'ok' | 'not_image' | 'too_large' | 'low_quality' | 'failed';
  reason?: string;
  quality?: number;
  maxDistance: number;
  matches: { registrationNumber: string; title: string; registeredAt: string | null; status: string; distance: number; transform: string }[];
}

/**
 * Registered images perceptually close to a dropped image. Kept visibly apart from the exact
 * SHA-256 result: a similar image is a lead, not proof that the file is the registered one.
 */
export function VerifySimilar({ similar }: { similar: SimilarResult | undefined }) {
  const { t } = useTranslation();
  if (!similar || similar.status === 'not_image') return null;
  return (
    <div data-testid="verify-similar" style={{ marginTop: 16 }}>
      <Typography.Title level={5}>{t('verify.similar.title')}</Typography.Title>
      {similar.status !== 'ok' ? (
        <Alert type="info" showIcon data-testid="verify-similar-skipped" message={t(`verify.similar.status.${similar.status}`)} description={similar.reason} />
      ) : similar.matches.length === 0 ? (
        <Alert type="info" showIcon data-testid="verify-similar-none" message={t('verify.similar.none', { distance: similar.maxDistance })} />
      ) : (
        <>
          <Alert type="warning" showIcon message={t('verify.similar.notIdentical')} description={t('verify.similar.explain', { distance: similar.maxDistance })} />
          <Table
            size="small"
            pagination={false}
            rowKey="registrationNumber"
            style={{ marginTop: 8 }}
            dataSource={similar.matches}
            columns={[
              { title: t('verify.number'), dataIndex: 'registrationNumber', render: (v: string) => <a href={`/verify/${encodeURIComponent(v)}`}>{v}</a> },
              { title: t('verify.workTitle'), dataIndex: 'title' },
              { title: t('verify.registeredAt'), dataIndex: 'registeredAt' },
              {
                title: t('verify.similar.distance'),
                dataIndex: 'distance',
                render: (d: number, m) => (
                  <span data-testid="verify-similar-distance">
                    <Tag color="orange">{t('verify.similar.label')}</Tag>
                    {t('verify.similar.bits', { distance: d })}
                    {m.transform !== 'original' && ` · ${t(`similarity.transform.${m.transform}`, { defaultValue: m.transform })}`}
                  </span>
                ),
              },
            ]}
          />
        </>
      )}
    </div>
  );
}
