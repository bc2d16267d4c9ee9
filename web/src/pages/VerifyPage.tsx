import { Alert, Button, Descriptions, Input, Space, Table, Tag, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { api, commonHeaders, getCsrfToken, parseErrorBody } from '../api/client';
import { PublicLayout } from '../components/PublicLayout';
import { VerifySimilar, type SimilarResult } from '../components/VerifySimilar';
import { errorText } from '../lib/errors';
import { verifyEvidenceWeb, type WebVerdict } from '../../../src/documents/evidence-verify-web';
import type { RegistryEvent } from '../api/registry';
import { RegistryEventsTable } from '../components/RegistryEvents';

interface PublicRecord {
  registrationNumber: string;
  status: string;
  record: {
    title: string;
    categoryLabel: { zh: string; en: string } | null;
    authors: { name: string }[];
    owners: { name: string; share: number }[];
    completedOn: string;
    registeredAt: string;
    files: { filename: string; sha256: string; size: number }[];
  };
  evidence: unknown;
  pending: string | null;
  /** Corrections and revocations with their log indexes, oldest first. */
  events?: RegistryEvent[];
}
interface FileMatches {
  sha256: string;
  matches: { registrationNumber: string; title: string; registeredAt: string; status: string }[];
  similar?: SimilarResult;
}

/**
 * Public verification (查证), no account: by number (what the certificate's QR code opens)
 * or by dropping a file. The record's inclusion proof is checked here, in the browser,
 * against the checkpoint signed with the log's key; "verified" is shown only when it holds.
 */
export default function VerifyPage() {
  const { t, i18n } = useTranslation();
  const { number } = useParams();
  const navigate = useNavigate();
  const [query, setQuery] = useState(number ?? '');
  const [data, setData] = useState<PublicRecord | null>(null);
  const [verdict, setVerdict] = useState<WebVerdict | null>(null);
  const [matches, setMatches] = useState<FileMatches | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setData(null);
    setVerdict(null);
    setError(null);
    if (!number) return;
    let live = true;
    void (async () => {
      try {
        const r = await api<PublicRecord>(`/api/verify/${encodeURIComponent(number)}`);
        if (!live) return;
        setData(r);
        if (r.evidence) {
          const v = await verifyEvidenceWeb(JSON.stringify(r.evidence));
          if (live) setVerdict(v.ok && v.registrationNumber !== r.registrationNumber ? { ok: false, code: 'PROOF_MISMATCH', message: 'number differs' } : v);
        }
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [number]);

  const dropFile = async (file: File) => {
    setMatches(null);
    setError(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const res = await fetch('/api/verify/file', { method: 'POST', body: form, credentials: 'same-origin', headers: { ...commonHeaders('POST'), 'x-csrf-token': getCsrfToken() || 'anonymous' } });
      const text = await res.text();
      if (!res.ok) throw parseErrorBody(res.status, text);
      setMatches(JSON.parse(text) as FileMatches);
    } catch (e) {
      setError(e);
    }
  };

  const zh = i18n.language.startsWith('zh');
  return (
    <PublicLayout title={t('verify.title')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input.Search
          data-testid="verify-number"
          placeholder={t('verify.numberPlaceholder')}
          enterButton={t('verify.lookup')}
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onSearch={(v) => v.trim() && navigate(`/verify/${encodeURIComponent(v.trim())}`)}
        />
        {error !== null && <Alert type="error" showIcon message={errorText(error, t)} data-testid="verify-error" />}
        {data && (
          <div data-testid="verify-result">
            {verdict?.ok && (
              <Alert type="success" showIcon data-testid="verify-verified" message={t('verify.verified')} description={t('verify.verifiedDetail', { index: verdict.index, size: verdict.treeSize, origin: verdict.origin })} />
            )}
            {verdict && !verdict.ok && <Alert type="error" showIcon data-testid="verify-failed" message={t('verify.failed', { code: verdict.code })} description={verdict.message} />}
            {!verdict && data.pending && <Alert type="info" showIcon data-testid="verify-pending" message={t('verify.pending')} />}
            {data.status === 'revoked' && <Alert type="error" showIcon style={{ marginTop: 8 }} data-testid="verify-revoked" message={t('verify.revokedNotice')} />}
            {verdict?.ok && verdict.state !== data.status && <Alert type="warning" showIcon style={{ marginTop: 8 }} data-testid="verify-state-pending" message={t('verify.statePending', { state: t(`verify.state.${verdict.state}`) })} />}
            <Descriptions bordered column={1} size="small" style={{ marginTop: 16 }}>
              <Descriptions.Item label={t('verify.number')}>{data.registrationNumber}</Descriptions.Item>
              <Descriptions.Item label={t('verify.status')}>
                <Tag color={data.status === 'valid' ? 'green' : data.status === 'corrected' ? 'gold' : 'red'} data-testid="verify-status" data-status={data.status}>{t(`verify.state.${data.status}`, { defaultValue: data.status })}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('verify.workTitle')}>{data.record.title}</Descriptions.Item>
              <Descriptions.Item label={t('verify.category')}>{data.record.categoryLabel ? (zh ? data.record.categoryLabel.zh : data.record.categoryLabel.en) : ''}</Descriptions.Item>
              <Descriptions.Item label={t('verify.authors')}>{data.record.authors.map((a) => a.name).join('、')}</Descriptions.Item>
              <Descriptions.Item label={t('verify.owners')}>{data.record.owners.map((o) => `${o.name} (${o.share}%)`).join('、')}</Descriptions.Item>
              <Descriptions.Item label={t('verify.completedOn')}>{data.record.completedOn}</Descriptions.Item>
              <Descriptions.Item label={t('verify.registeredAt')}>{data.record.registeredAt}</Descriptions.Item>
            </Descriptions>
            {(data.events?.length ?? 0) > 0 && (
              <div style={{ marginTop: 16 }} data-testid="verify-events">
                <Typography.Title level={5}>{t('verify.history')}</Typography.Title>
                <RegistryEventsTable events={data.events!} proven={new Set(verdict?.ok ? verdict.events.map((e) => e.index) : [])} />
              </div>
            )}
            <Table size="small" pagination={false} rowKey="sha256" style={{ marginTop: 16 }} dataSource={data.record.files} columns={[{ title: t('verify.file'), dataIndex: 'filename' }, { title: 'SHA-256', dataIndex: 'sha256', render: (v: string) => <Typography.Text code copyable>{v}</Typography.Text> }]} />
            {data.evidence !== null && (
              <Button style={{ marginTop: 16 }} href={`/api/verify/${encodeURIComponent(data.registrationNumber)}/evidence`} data-testid="verify-download">
                {t('verify.download')}
              </Button>
            )}
          </div>
        )}
        <Typography.Title level={5}>{t('verify.byFile')}</Typography.Title>
        <Upload.Dragger multiple={false} showUploadList={false} data-testid="verify-file" beforeUpload={(f) => { void dropFile(f); return false; }}>
          <p className="ant-upload-drag-icon"><UploadOutlined /></p>
          <p>{t('verify.dropFile')}</p>
        </Upload.Dragger>
        {matches && (
          <div data-testid="verify-file-result">
            <Typography.Paragraph>SHA-256 <Typography.Text code>{matches.sha256}</Typography.Text></Typography.Paragraph>
            {matches.matches.length === 0 ? (
              <Alert type="warning" showIcon message={t('verify.noMatch')} />
            ) : (
              <Table size="small" pagination={false} rowKey="registrationNumber" dataSource={matches.matches} columns={[{ title: t('verify.number'), dataIndex: 'registrationNumber', render: (v: string) => <a href={`/verify/${encodeURIComponent(v)}`}>{v}</a> }, { title: t('verify.workTitle'), dataIndex: 'title' }, { title: t('verify.registeredAt'), dataIndex: 'registeredAt' }]} />
            )}
            <VerifySimilar similar={matches.similar} />
          </div>
        )}
        <Typography.Paragraph type="secondary">{t('verify.offlineHint')}</Typography.Paragraph>
      </Space>
    </PublicLayout>
  );
}
