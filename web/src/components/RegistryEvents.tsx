import { Alert, App, Button, Card, Empty, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { correctWork, registryEvents, revokeWork, type CorrectionBody, type RegistryEvent } from '../api/registry';
import type { Work } from '../api/types';
import { errorText } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { CorrectionModal } from './CorrectionModal';
import { ReasonModal } from './ReasonModal';

const NO_EVENTS: RegistryEvent[] = [];

/** Corrected values as text, for the history tables. */
export function correctedText(corrected: Record<string, unknown>): string {
  return Object.entries(corrected)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map((x) => (typeof x === 'object' && x && 'name' in x ? String((x as { name: unknown }).name) : JSON.stringify(x))).join('、') : typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join('; ');
}

/** The events of a registration as a table: kind, time, reason, what changed, log index. */
export function RegistryEventsTable({ events, proven }: { events: RegistryEvent[]; proven?: ReadonlySet<number> }) {
  const { t } = useTranslation();
  return (
    <Table<RegistryEvent>
      size="small"
      pagination={false}
      rowKey="id"
      dataSource={events}
      data-testid="registry-events"
      onRow={(e) => ({ 'data-testid': `registry-event-${e.kind}` } as HTMLAttributes<HTMLElement>)}
      columns={[
        { title: t('registry.kind'), dataIndex: 'kind', render: (k: string) => <Tag color={k === 'revocation' ? 'red' : 'orange'}>{t(`registry.kinds.${k}`, { defaultValue: k })}</Tag> },
        { title: t('registry.at'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
        { title: t('registry.reason'), dataIndex: 'reason' },
        { title: t('registry.changed'), dataIndex: 'corrected', render: (c: Record<string, unknown>) => correctedText(c) || '—' },
        {
          title: t('registry.logIndex'),
          dataIndex: 'log',
          render: (log: RegistryEvent['log']) =>
            log ? (
              <Space size={4}>
                <span>#{log.index}</span>
                {proven?.has(log.index) && <Tag color="green" data-testid={`event-proof-${log.index}`}>{t('registry.proofVerified')}</Tag>}
              </Space>
            ) : (
              '—'
            ),
        },
      ]}
    />
  );
}

/**
 * Corrections and revocations of a registered work (docs/leaf-format.md): the history for
 * everyone who sees the work, and the administrator's Correct / Revoke actions.
 */
export function RegistryEventsCard({ work, isAdmin }: { work: Work; isAdmin: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [open, setOpen] = useState<'correct' | 'revoke' | null>(null);
  const { data: events = NO_EVENTS } = useQuery({ queryKey: ['registry-events', work.id], queryFn: () => registryEvents(work.id) });
  const done = (key: string) => {
    setOpen(null);
    void message.success(t(key));
    void qc.invalidateQueries({ queryKey: ['work', work.id] });
    void qc.invalidateQueries({ queryKey: ['registry-events', work.id] });
    void qc.invalidateQueries({ queryKey: ['works'] });
  };
  const correct = useMutation({ mutationFn: (b: CorrectionBody) => correctWork(work.id, b), onSuccess: () => done('registry.corrected'), onError: (e) => void message.error(errorText(e, t)) });
  const revoke = useMutation({ mutationFn: (reason: string) => revokeWork(work.id, reason), onSuccess: () => done('registry.revoked'), onError: (e) => void message.error(errorText(e, t)) });
  // The current values: the approved ones with each correction applied in order.
  const current = useMemo(() => {
    const c = { title: work.title, description: work.description, authors: work.authors, completedOn: work.completedOn };
    for (const e of events) Object.assign(c, e.corrected);
    return c;
  }, [work, events]);
  const registered = work.status === 'approved' || work.status === 'corrected';
  if (!registered && work.status !== 'revoked') return null;
  return (
    <Card
      title={t('registry.title')}
      style={{ marginBottom: 16 }}
      data-testid="registry-card"
      extra={
        isAdmin && registered ? (
          <Space>
            <Button onClick={() => setOpen('correct')} data-testid="action-correct">{t('registry.correct')}</Button>
            <Button danger onClick={() => setOpen('revoke')} data-testid="action-revoke">{t('registry.revoke')}</Button>
          </Space>
        ) : null
      }
    >
      {work.status === 'revoked' && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('registry.revokedNotice')} data-testid="registry-revoked" />}
      {work.status === 'corrected' && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('registry.correctedNotice')} description={<Typography.Text>{t('registry.currentTitle', { title: current.title })}</Typography.Text>} />
      )}
      {events.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('registry.none')} /> : <RegistryEventsTable events={events} />}
      <CorrectionModal open={open === 'correct'} current={current} confirmLoading={correct.isPending} onCancel={() => setOpen(null)} onSubmit={(b) => correct.mutate(b)} />
      <ReasonModal open={open === 'revoke'} title={t('registry.revokeTitle')} label={t('registry.reason')} inputTestId="revoke-reason" confirmLoading={revoke.isPending} onCancel={() => setOpen(null)} onSubmit={(r) => revoke.mutate(r)} />
    </Card>
  );
}
