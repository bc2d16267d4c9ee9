import { Alert, Button, Card, Space, Typography } from 'antd';
import { DownloadOutlined, ReloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

export const certificateUrl = (workId: string, ext: 'pdf' | 'png') => `/api/works/${encodeURIComponent(workId)}/certificate.${ext}`;

/**
 * The registration certificate of an approved work: a preview of its first page and the PDF.
 * In the second after approval the certificate waits for the signed checkpoint (the API answers
 * 409 not_yet_published); the preview then retries by itself a few times.
 */
export function CertificateCard({ workId, number }: { workId: string; number: string }) {
  const { t } = useTranslation();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<'loading' | 'ready' | 'failed'>('loading');

  useEffect(() => {
    if (state !== 'failed' || attempt >= 5) return;
    const timer = setTimeout(() => {
      setState('loading');
      setAttempt((a) => a + 1);
    }, 2000);
    return () => clearTimeout(timer);
  }, [state, attempt]);

  return (
    <Card
      title={
        <Space>
          <SafetyCertificateOutlined />
          {t('certificate.title')}
        </Space>
      }
      style={{ marginBottom: 16 }}
      data-testid="certificate-card"
      data-state={state}
      extra={
        <Button type="primary" icon={<DownloadOutlined />} href={certificateUrl(workId, 'pdf')} download={`certificate-${number}.pdf`} disabled={state !== 'ready'} data-testid="certificate-download">
          {t('certificate.download')}
        </Button>
      }
    >
      {state === 'failed' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('certificate.pending')}
          action={
            <Button size="small" icon={<ReloadOutlined />} onClick={() => { setState('loading'); setAttempt((a) => a + 1); }} data-testid="certificate-retry">
              {t('certificate.retry')}
            </Button>
          }
        />
      )}
      <img
        key={attempt}
        src={`${certificateUrl(workId, 'png')}${attempt ? `?attempt=${attempt}` : ''}`}
        alt={t('certificate.previewAlt', { number })}
        onLoad={() => setState('ready')}
        onError={() => setState('failed')}
        style={{ display: state === 'failed' ? 'none' : 'block', width: '100%', maxWidth: 420, border: '1px solid #eee', margin: '0 auto' }}
        data-testid="certificate-preview"
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
        {t('certificate.hint')}
      </Typography.Paragraph>
    </Card>
  );
}
