import { Alert, Button, Card, Checkbox, Col, Descriptions, Progress, Row, Space, Table, Tag, Typography, Upload } from 'antd';
import type { TableProps, UploadFile } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { getImport, listImports, startImport } from '../api/endpoints';
import type { ImportBatch, ImportRow } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { downloadCsvTemplate, IMPORT_COLUMNS } from '../lib/csvTemplate';
import { extensionOf, formatDateTime } from '../lib/format';
import { importErrorText } from '../lib/errors';

const BATCH_COLORS: Record<ImportBatch['status'], string> = { queued: 'default', running: 'processing', done: 'success', failed: 'error' };

function fileOf(f: UploadFile | undefined): File | null {
  if (!f) return null;
  return (f.originFileObj ?? (f as unknown as File)) as File;
}

export default function ImportPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const batchId = params.get('batch');
  const [csv, setCsv] = useState<UploadFile[]>([]);
  const [zip, setZip] = useState<UploadFile[]>([]);
  const [submit, setSubmit] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [startError, setStartError] = useState<unknown>(null);
  const [localError, setLocalError] = useState<string | null>(null);

  const batch = useQuery({
    queryKey: ['imports', batchId],
    queryFn: () => getImport(batchId!),
    enabled: !!batchId,
    refetchInterval: (q) => {
      const s = q.state.data?.status;
      return s === 'done' || s === 'failed' ? false : 1000;
    },
  });
  const history = useQuery({ queryKey: ['imports', 'list'], queryFn: listImports });

  const start = async () => {
    setStartError(null);
    setLocalError(null);
    const csvFile = fileOf(csv[0]);
    if (!csvFile) {
      setLocalError(t('imports.csvRequired'));
      return;
    }
    setProgress(0);
    try {
      const b = await startImport({ csv: csvFile, archive: fileOf(zip[0]), submit, onProgress: setProgress });
      qc.setQueryData(['imports', b.id], b);
      void qc.invalidateQueries({ queryKey: ['imports', 'list'] });
      void qc.invalidateQueries({ queryKey: ['works'] });
      setCsv([]);
      setZip([]);
      setParams({ batch: b.id }, { replace: false });
    } catch (err) {
      setStartError(err);
    } finally {
      setProgress(null);
    }
  };

  const rowColumns: TableProps<ImportRow>['columns'] = [
    { title: t('imports.col.row'), dataIndex: 'row', width: 80 },
    { title: t('imports.col.title'), dataIndex: 'title', render: (v: string) => v || '—' },
    {
      title: t('imports.col.result'),
      dataIndex: 'status',
      width: 120,
      render: (v: ImportRow['status']) => <Tag color={v === 'created' ? 'green' : 'red'}>{t(`imports.rowStatus.${v}`)}</Tag>,
    },
    {
      title: t('imports.col.detail'),
      key: 'detail',
      render: (_: unknown, r) =>
        r.status === 'created' && r.workId ? (
          <Link to={`/works/${encodeURIComponent(r.workId)}`} data-testid={`import-row-link-${r.row}`}>
            {t('imports.openWork')}
          </Link>
        ) : (
          <Typography.Text type="danger" data-testid={`import-row-error-${r.row}`}>
            {importErrorText(r.error, t) || '—'}
          </Typography.Text>
        ),
    },
  ];

  const b = batch.data;
  const finished = b && (b.status === 'done' || b.status === 'failed');
  useEffect(() => {
    if (finished) {
      void qc.invalidateQueries({ queryKey: ['imports', 'list'] });
      void qc.invalidateQueries({ queryKey: ['works'] });
    }
  }, [finished, qc]);
  const pct = b && b.total > 0 ? Math.round((b.processed / b.total) * 100) : b && finished ? 100 : 0;

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('imports.title')}
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Card title={t('imports.newBatch')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph>{t('imports.intro')}</Typography.Paragraph>
            <Typography.Paragraph>
              <Button icon={<DownloadOutlined />} onClick={() => downloadCsvTemplate()} data-testid="import-template">
                {t('imports.template')}
              </Button>
            </Typography.Paragraph>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('imports.columns')}: <code>{IMPORT_COLUMNS.join(',')}</code>
            </Typography.Paragraph>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('imports.format')}
            </Typography.Paragraph>
            <ErrorAlert error={startError} testId="import-error" />
            {localError && <Alert type="error" showIcon title={localError} style={{ marginBottom: 16 }} />}
            <Space orientation="vertical" style={{ width: '100%' }} size="middle">
              <div data-testid="import-csv">
                <Upload
                  accept=".csv,text/csv"
                  maxCount={1}
                  fileList={csv}
                  beforeUpload={(f) => (extensionOf(f.name) === 'csv' ? false : Upload.LIST_IGNORE)}
                  onChange={({ fileList }) => setCsv(fileList.slice(-1))}
                >
                  <Button icon={<UploadOutlined />}>{t('imports.chooseCsv')}</Button>
                </Upload>
              </div>
              <div data-testid="import-zip">
                <Upload
                  accept=".zip,application/zip"
                  maxCount={1}
                  fileList={zip}
                  beforeUpload={(f) => (extensionOf(f.name) === 'zip' ? false : Upload.LIST_IGNORE)}
                  onChange={({ fileList }) => setZip(fileList.slice(-1))}
                >
                  <Button icon={<UploadOutlined />}>{t('imports.chooseZip')}</Button>
                </Upload>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('imports.zipHint')}
                </Typography.Text>
              </div>
              <Checkbox checked={submit} onChange={(e) => setSubmit(e.target.checked)} data-testid="import-submit-for-review">
                {t('imports.submitAfter')}
              </Checkbox>
              {progress !== null && <Progress percent={progress} status="active" data-testid="import-upload-progress" />}
              <Button type="primary" onClick={() => void start()} loading={progress !== null} data-testid="import-start">
                {t('imports.start')}
              </Button>
            </Space>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('imports.history')} style={{ marginBottom: 16 }}>
            <ErrorAlert error={history.error} />
            <Table<ImportBatch>
              size="small"
              rowKey="id"
              loading={history.isLoading}
              dataSource={history.data?.items ?? []}
              pagination={{ pageSize: 5 }}
              columns={[
                { title: t('fields.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
                { title: t('fields.status'), dataIndex: 'status', render: (v: ImportBatch['status']) => <Tag color={BATCH_COLORS[v]}>{t(`imports.status.${v}`)}</Tag> },
                { title: t('imports.createdFailed'), key: 'cf', render: (_: unknown, r) => `${r.created} / ${r.failed}` },
                {
                  title: '',
                  key: 'open',
                  render: (_: unknown, r) => (
                    <Button type="link" size="small" onClick={() => setParams({ batch: r.id })}>
                      {t('common.view')}
                    </Button>
                  ),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>

      {batchId && (
        <Card title={t('imports.batchTitle')} data-testid="import-batch" data-batch-status={b?.status ?? 'loading'}>
          <ErrorAlert error={batch.error} />
          {b && (
            <>
              <Descriptions
                size="small"
                column={{ xs: 1, md: 4 }}
                items={[
                  { key: 's', label: t('fields.status'), children: <Tag color={BATCH_COLORS[b.status]} data-testid="import-status">{t(`imports.status.${b.status}`)}</Tag> },
                  { key: 't', label: t('imports.total'), children: b.total },
                  { key: 'c', label: t('imports.created'), children: <span data-testid="import-created">{b.created}</span> },
                  { key: 'f', label: t('imports.failed'), children: <span data-testid="import-failed">{b.failed}</span> },
                ]}
              />
              {b.error && <Alert type="error" showIcon title={t('imports.batchError', { error: importErrorText(b.error, t) })} style={{ margin: '12px 0' }} data-testid="import-batch-error" />}
              <Progress
                percent={pct}
                status={b.status === 'failed' ? 'exception' : finished ? 'success' : 'active'}
                format={() => `${b.processed} / ${b.total}`}
                data-testid="import-progress"
                style={{ margin: '12px 0' }}
              />
              <Table<ImportRow>
                size="small"
                rowKey="row"
                columns={rowColumns}
                dataSource={b.rows}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                data-testid="import-rows"
                onRow={(r) => ({ 'data-testid': `import-row-${r.row}` }) as React.HTMLAttributes<HTMLElement>}
              />
            </>
          )}
        </Card>
      )}
    </div>
  );
}
