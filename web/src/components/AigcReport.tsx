import { Alert, Button, Card, Collapse, Empty, Space, Spin, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { errorText } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { AigcTraces, type AigcInspectReport } from './AigcTraces';

/** /api/works/:id/aigc (src/services/aigc.service.ts). */
interface Answer {
  status: 'queued' | 'pending' | 'done' | 'not_submitted';
  updatedAt?: string;
  report: {
    detector: string;
    files: { fileId: string; filename: string; inspected: boolean; note?: string; report?: AigcInspectReport }[];
    summary: { aiDeclared: boolean; aiHinted: boolean; maxTextScore: number | null; textFlagged: boolean; disclosureConflict: boolean; disclosureUsedAi: boolean; labelProblems: number; caveat: string };
  } | null;
}

/** The AIGC report in the review view: labels and traces per file, text scores, the disclosure check. */
export function AigcReport({ workId, canRerun }: { workId: string; canRerun: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { data, isLoading, error } = useQuery({
    queryKey: ['aigc', workId],
    queryFn: () => api<Answer>(`/api/works/${encodeURIComponent(workId)}/aigc`),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'pending') ? 3000 : false),
  });
  const rerun = useMutation({
    mutationFn: () => api(`/api/works/${encodeURIComponent(workId)}/aigc`, { method: 'POST' }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['aigc', workId] }),
  });
  const r = data?.report;
  return (
    <Card
      title={t('aigc.reportTitle')}
      style={{ marginBottom: 16 }}
      data-testid="aigc-report"
      extra={canRerun && <Button size="small" icon={<ReloadOutlined />} loading={rerun.isPending} onClick={() => rerun.mutate()} data-testid="aigc-rerun">{t('aigc.rerun')}</Button>}
    >
      {isLoading && <Spin />}
      {error && <Alert type="error" message={errorText(error, t)} />}
      {data && !r && <Empty description={t(`aigc.status.${data.status}`)} />}
      {r && (
        <Space direction="vertical" style={{ width: '100%' }}>
          {r.summary.disclosureConflict && <Alert type="warning" showIcon message={t('aigc.disclosureConflict')} data-testid="aigc-disclosure-conflict" />}
          <Space wrap>
            <Tag color={r.summary.aiDeclared ? 'red' : 'default'}>{r.summary.aiDeclared ? t('aigc.aiDeclared') : t('aigc.noAiDeclared')}</Tag>
            <Tag>{r.summary.disclosureUsedAi ? t('aigc.disclosedAi') : t('aigc.disclosedNoAi')}</Tag>
            {r.summary.maxTextScore !== null && <Tag color={r.summary.textFlagged ? 'orange' : 'default'}>{t('aigc.maxTextScore')}: {Math.round(r.summary.maxTextScore * 100)}</Tag>}
            {r.summary.labelProblems > 0 && <Tag color="orange">{t('aigc.labelProblems', { n: r.summary.labelProblems })}</Tag>}
            {data.updatedAt && <Typography.Text type="secondary">{formatDateTime(data.updatedAt)} · {r.detector}</Typography.Text>}
          </Space>
          <Collapse
            defaultActiveKey={r.files.filter((f) => f.report && f.report.labels.length).map((f) => f.fileId)}
            items={r.files.map((f) => ({
              key: f.fileId,
              label: <span data-testid="aigc-file">{f.filename} {f.report && f.report.labels.length > 0 && <Tag color="blue">{f.report.labels.length}</Tag>}</span>,
              children: f.report ? <AigcTraces report={f.report} /> : <Typography.Text type="secondary">{f.note}</Typography.Text>,
            }))}
          />
          <Typography.Text type="secondary">{t('aigc.absenceCaveat')}</Typography.Text>
        </Space>
      )}
    </Card>
  );
}
