import { Alert, Button, Card, Empty, Slider, Space, Spin, Table, Tag, Typography } from 'antd';
import { ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, fileContentUrl } from '../api/client';
import { errorText } from '../lib/errors';
import { formatDateTime } from '../lib/format';

/** The similarity report as /api/works/:id/similarity returns it (src/services/similarity.service.ts). */
interface Passage {
  a: { start: number; end: number; text: string };
  b: { start: number; end: number; text: string };
  length: number;
}
interface Match {
  fileId?: string;
  filename: string;
  type: 'exact' | 'image' | 'video' | 'audio' | 'text';
  score: number;
  detail: {
    distance?: number;
    transform?: string;
    offsetSeconds?: number;
    bitErrorRate?: number;
    matchedSeconds?: number;
    segments?: { startA: number; endA: number; startB: number; endB: number; bitErrorRate: number }[];
    matchA?: number;
    matchB?: number;
    coverageA?: number;
    coverageB?: number;
    passages?: Passage[];
  };
  target: { workId: string; title: string; status: string; ownerName: string; registrationNumber: string | null; fileId: string; filename: string; sha256: string };
  relation: 'registered_by_other' | 'pending_by_other' | 'own_registered' | 'own_pending';
}
interface Report {
  createdAt: string;
  files: { fileId?: string; filename: string; sha256: string; kind: string; status: 'ok' | 'failed' | 'skipped'; error?: string; summary: Record<string, unknown> }[];
  matches: Match[];
  flagged: boolean;
  summary: { exact: number; near: number; registeredByOthers?: number; ownEarlierVersions: number };
  index: { files: number; memoryBytes: number };
}
interface Answer {
  status: 'queued' | 'pending' | 'done' | 'failed' | 'not_submitted';
  updatedAt?: string;
  report: Report | null;
}

const getReport = (id: string) => api<Answer>(`/api/works/${encodeURIComponent(id)}/similarity`);
const rerun = (id: string) => api<{ queued: true }>(`/api/works/${encodeURIComponent(id)}/similarity`, { method: 'POST' });

const RELATION_COLOR: Record<Match['relation'], string> = { registered_by_other: 'red', pending_by_other: 'orange', own_registered: 'blue', own_pending: 'default' };

/** Two images next to each other, or one over the other with an opacity slider. */
function ImagePair({ a, b }: { a: string; b: string }) {
  const { t } = useTranslation();
  const [overlay, setOverlay] = useState(false);
  const [opacity, setOpacity] = useState(50);
  return (
    <div>
      <div style={{ marginBottom: 8 }}>
        <Space>
          <Button size="small" onClick={() => setOverlay((o) => !o)} data-testid="similarity-overlay-toggle">
            {overlay ? t('similarity.sideBySide') : t('similarity.overlay')}
          </Button>
          {overlay && <Slider style={{ width: 160 }} value={opacity} onChange={setOpacity} />}
        </Space>
      </div>
      {overlay ? (
        <div style={{ position: 'relative', maxWidth: 480 }}>
          <img src={a} alt="" style={{ width: '100%', display: 'block' }} />
          <img src={b} alt="" style={{ width: '100%', height: '100%', objectFit: 'fill', position: 'absolute', left: 0, top: 0, opacity: opacity / 100 }} />
        </div>
      ) : (
        <Space align="start" wrap>
          <figure style={{ margin: 0 }}>
            <img src={a} alt="" style={{ maxWidth: 320, maxHeight: 240 }} />
            <figcaption>{t('similarity.submitted')}</figcaption>
          </figure>
          <figure style={{ margin: 0 }}>
            <img src={b} alt="" style={{ maxWidth: 320, maxHeight: 240 }} />
            <figcaption>{t('similarity.registered')}</figcaption>
          </figure>
        </Space>
      )}
    </div>
  );
}

function MatchCard({ workId, m }: { workId: string; m: Match }) {
  const { t } = useTranslation();
  const mine = m.fileId ? fileContentUrl(workId, m.fileId) : null;
  const theirs = fileContentUrl(m.target.workId, m.target.fileId);
  const d = m.detail;
  const why =
    m.type === 'exact'
      ? t('similarity.why.exact')
      : m.type === 'image'
        ? t('similarity.why.image', { distance: d.distance, transform: t(`similarity.transform.${d.transform ?? 'original'}`, { defaultValue: d.transform }) })
        : m.type === 'audio'
          ? t('similarity.why.audio', { offset: d.offsetSeconds, ber: d.bitErrorRate, seconds: d.matchedSeconds })
          : m.type === 'video'
            ? t('similarity.why.video', { a: Math.round((d.matchA ?? 0) * 100), b: Math.round((d.matchB ?? 0) * 100) })
            : t('similarity.why.text', { a: Math.round((d.coverageA ?? 0) * 100), b: Math.round((d.coverageB ?? 0) * 100), n: d.passages?.length ?? 0 });
  return (
    <Card
      type="inner"
      size="small"
      style={{ marginBottom: 12 }}
      data-testid="similarity-match"
      data-relation={m.relation}
      title={
        <Space wrap>
          <Tag color={RELATION_COLOR[m.relation]}>{t(`similarity.relation.${m.relation}`)}</Tag>
          <Tag>{t(`similarity.type.${m.type}`)}</Tag>
          <span>{m.filename}</span>
          <span>→</span>
          <Link to={`/${m.relation.startsWith('own_') ? 'works' : 'review'}/${encodeURIComponent(m.target.workId)}`}>{m.target.title}</Link>
          <Typography.Text type="secondary">
            {m.target.registrationNumber ?? t(`status.${m.target.status}`, { defaultValue: m.target.status })} · {m.target.ownerName} · {m.target.filename}
          </Typography.Text>
        </Space>
      }
      extra={<Typography.Text strong>{t('similarity.score', { score: Math.round(m.score * 100) })}</Typography.Text>}
    >
      <Typography.Paragraph>{why}</Typography.Paragraph>
      {(m.type === 'image' || (m.type === 'exact' && /\.(png|jpe?g|gif|webp)$/i.test(m.filename))) && mine && <ImagePair a={mine} b={theirs} />}
      {m.type === 'audio' && (
        <>
          <Space wrap>
            {mine && <audio controls preload="none" src={mine} />}
            <audio controls preload="none" src={theirs} />
          </Space>
          <ul>
            {(d.segments ?? []).map((s, i) => (
              <li key={i}>{t('similarity.segment', { a0: s.startA, a1: s.endA, b0: s.startB, b1: s.endB, ber: s.bitErrorRate })}</li>
            ))}
          </ul>
        </>
      )}
      {m.type === 'video' && (
        <Space wrap>
          {mine && <video controls preload="none" src={mine} style={{ maxWidth: 320 }} />}
          <video controls preload="none" src={theirs} style={{ maxWidth: 320 }} />
        </Space>
      )}
      {m.type === 'text' && (
        <Table
          size="small"
          pagination={{ pageSize: 5 }}
          rowKey={(_, i) => String(i)}
          dataSource={d.passages ?? []}
          columns={[
            { title: t('similarity.submitted'), render: (_, p: Passage) => <mark className="cws-pre-line">{p.a.text}</mark> },
            { title: t('similarity.registered'), render: (_, p: Passage) => <mark className="cws-pre-line">{p.b.text}</mark> },
          ]}
        />
      )}
    </Card>
  );
}

/** The copyright-protection check of a work: what it resembles and why (reviewers see everything, owners their own earlier works). */
export function SimilarityReport({ workId, canRerun }: { workId: string; canRerun: boolean }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { data, isLoading, error } = useQuery({
    queryKey: ['similarity', workId],
    queryFn: () => getReport(workId),
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'queued' || q.state.data.status === 'pending') ? 3000 : false),
  });
  const again = useMutation({ mutationFn: () => rerun(workId), onSuccess: () => void qc.invalidateQueries({ queryKey: ['similarity', workId] }) });
  if (isLoading) return <Spin />;
  if (error) return <Alert type="warning" showIcon title={errorText(error, t)} />;
  if (!data || data.status === 'not_submitted') return null;
  const r = data.report;
  return (
    <Card
      title={t('similarity.title')}
      style={{ marginBottom: 16 }}
      data-testid="similarity-report"
      data-status={data.status}
      extra={
        <Space>
          {data.updatedAt && <Typography.Text type="secondary">{formatDateTime(data.updatedAt)}</Typography.Text>}
          {canRerun && (
            <Button size="small" icon={<ReloadOutlined />} loading={again.isPending} onClick={() => again.mutate()} data-testid="similarity-rerun">
              {t('similarity.rerun')}
            </Button>
          )}
        </Space>
      }
    >
      {(data.status === 'queued' || data.status === 'pending') && <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('similarity.running')} />}
      {r?.flagged && (
        <Alert type="error" showIcon icon={<WarningOutlined />} style={{ marginBottom: 12 }} title={t('similarity.flagged', { n: r.summary.registeredByOthers ?? 0 })} data-testid="similarity-flagged" />
      )}
      {r && (
        <>
          <Typography.Paragraph type="secondary">{t('similarity.summary', { exact: r.summary.exact, near: r.summary.near, files: r.index.files })}</Typography.Paragraph>
          {r.files
            .filter((f) => f.status === 'failed')
            .map((f) => (
              <Alert key={f.sha256 + f.filename} type="warning" showIcon style={{ marginBottom: 8 }} title={`${f.filename}: ${f.error ?? ''}`} data-testid="similarity-file-error" />
            ))}
          {r.matches.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('similarity.none')} /> : r.matches.map((m, i) => <MatchCard key={i} workId={workId} m={m} />)}
        </>
      )}
    </Card>
  );
}
