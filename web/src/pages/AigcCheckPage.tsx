import { Alert, Button, Space, Table, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, commonHeaders, getCsrfToken, parseErrorBody } from '../api/client';
import { AigcTraces, type AigcInspectReport } from '../components/AigcTraces';
import { PublicLayout } from '../components/PublicLayout';
import { errorText } from '../lib/errors';
import { formatBytes } from '../lib/format';

interface Figures {
  human: number;
  ai: number;
  auroc: number;
  tprAt1Fpr: number;
  atCalibrated: { tpr: number; fpr: number };
}
interface DetectorInfo {
  name: string;
  evaluation: Record<'en' | 'zh', { tuning: Figures; heldOut: Figures }> | null;
  publicMaxBytes: number;
}

/** Public AIGC self-check: drop a file, see every label and trace it carries; nothing is stored. */
export default function AigcCheckPage() {
  const { t } = useTranslation();
  const [report, setReport] = useState<AigcInspectReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { data: info } = useQuery({ queryKey: ['aigc-detector'], queryFn: () => api<DetectorInfo>('/api/aigc/detector') });

  const check = async (file: File) => {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      // No account is needed: without a session any CSRF header value is accepted.
      const res = await fetch('/api/aigc/inspect', { method: 'POST', body: form, credentials: 'same-origin', headers: { ...commonHeaders('POST'), 'x-csrf-token': getCsrfToken() || 'anonymous' } });
      const text = await res.text();
      if (!res.ok) throw parseErrorBody(res.status, text);
      setReport(JSON.parse(text) as AigcInspectReport);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <PublicLayout title={t('aigc.checkTitle')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Paragraph>{t('aigc.checkIntro', { max: formatBytes(info?.publicMaxBytes ?? 20 * 1024 * 1024) })}</Typography.Paragraph>
        <Upload.Dragger
          multiple={false}
          showUploadList={false}
          beforeUpload={(f) => {
            void check(f);
            return false;
          }}
          data-testid="aigc-check-upload"
        >
          <p className="ant-upload-drag-icon">
            <UploadOutlined />
          </p>
          <p>{t('aigc.dropFile')}</p>
        </Upload.Dragger>
        {busy && <Button loading type="text">{t('aigc.checking')}</Button>}
        {error !== null && <Alert type="error" showIcon message={errorText(error, t)} />}
        {report && (
          <div data-testid="aigc-check-result">
            <Typography.Title level={5}>
              {report.format} · {formatBytes(report.size)}
            </Typography.Title>
            <AigcTraces report={report} />
          </div>
        )}
        {info?.evaluation && (
          <>
            <Typography.Title level={5}>{t('aigc.detectorQuality', { name: info.name })}</Typography.Title>
            <Table
              size="small"
              pagination={false}
              rowKey="lang"
              dataSource={(['zh', 'en'] as const).map((lang) => ({ lang, ...info.evaluation![lang].heldOut }))}
              columns={[
                { title: t('aigc.language'), dataIndex: 'lang' },
                { title: 'AUROC', dataIndex: 'auroc' },
                { title: t('aigc.tprAt1'), dataIndex: 'tprAt1Fpr' },
                { title: t('aigc.atThreshold'), render: (_, r) => `TPR ${r.atCalibrated.tpr} / FPR ${r.atCalibrated.fpr}` },
                { title: t('aigc.sampleSize'), render: (_, r) => `${r.human} + ${r.ai}` },
              ]}
            />
            <Typography.Text type="secondary">{t('aigc.detectorCaveat')}</Typography.Text>
          </>
        )}
      </Space>
    </PublicLayout>
  );
}
