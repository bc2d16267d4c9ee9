import { Alert, Descriptions, List, Progress, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/** The report of /api/aigc/inspect and of each file in /api/works/:id/aigc (src/provenance/types.ts). */
export interface AigcProblem {
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  location?: string;
}
export interface AigcTrace {
  kind: 'gb45438' | 'c2pa' | 'iptc' | 'sd-parameters' | 'comfyui' | 'exif' | 'text-marker';
  location: string;
  ai: 'yes' | 'possible' | 'no';
  summary: string;
  problems: AigcProblem[];
  fields?: Record<string, unknown> | null;
  prompt?: string;
  signature?: { status: string; trusted: boolean; issuer?: string; subject?: string };
}
export interface AigcTextVerdict {
  detector: string;
  score: number;
  language: string;
  chars: number;
  threshold?: number;
  flagged?: boolean;
  note?: string;
}
export interface AigcInspectReport {
  format: string;
  mediaType: string;
  size: number;
  labels: AigcTrace[];
  problems: AigcProblem[];
  text?: AigcTextVerdict;
  summary: { aiDeclared: boolean; aiHinted: boolean; conflicting: boolean; caveat: string };
}

const SIGNAL_COLOR = { yes: 'red', possible: 'orange', no: 'green' } as const;
const SEVERITY = { error: 'error', warning: 'warning', info: 'info' } as const;

function Problems({ items }: { items: AigcProblem[] }) {
  if (!items.length) return null;
  return (
    <Space direction="vertical" size={4} style={{ width: '100%' }}>
      {items.map((p, i) => (
        <Alert key={i} type={SEVERITY[p.severity]} showIcon message={<span data-testid="aigc-problem" data-code={p.code}>{p.message}</span>} description={p.location} />
      ))}
    </Space>
  );
}

export function AigcTextScore({ text }: { text: AigcTextVerdict }) {
  const { t } = useTranslation();
  return (
    <Descriptions size="small" column={1} bordered data-testid="aigc-text-score">
      <Descriptions.Item label={t('aigc.textScore')}>
        <Space>
          <Progress type="circle" size={48} percent={Math.round(text.score * 100)} status={text.flagged ? 'exception' : 'normal'} />
          <span>
            {text.detector} · {t('aigc.language')}: {text.language} · {text.chars} {t('aigc.chars')}
            {text.threshold !== undefined && ` · ${t('aigc.threshold')} ${Math.round(text.threshold * 100)}`}
          </span>
        </Space>
      </Descriptions.Item>
      <Descriptions.Item label={t('aigc.note')}>
        <Typography.Text type="secondary">{t('aigc.scoreCaveat')}</Typography.Text> {text.note}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** Every trace with where it was found and what is wrong with it; the "no label ≠ human" caveat always shows. */
export function AigcTraces({ report }: { report: AigcInspectReport }) {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {report.summary.conflicting && <Alert type="error" showIcon message={t('aigc.conflicting')} data-testid="aigc-conflicting" />}
      {report.labels.length === 0 ? (
        <Alert type="info" showIcon message={t('aigc.noTraces')} description={t('aigc.absenceCaveat')} data-testid="aigc-no-traces" />
      ) : (
        <List
          size="small"
          bordered
          dataSource={report.labels}
          renderItem={(tr) => (
            <List.Item data-testid="aigc-trace" data-kind={tr.kind}>
              <Space direction="vertical" style={{ width: '100%' }}>
                <Space wrap>
                  <Tag color="blue">{t(`aigc.kind.${tr.kind}`)}</Tag>
                  <Tag color={SIGNAL_COLOR[tr.ai]}>{t(`aigc.signal.${tr.ai}`)}</Tag>
                  <span>{tr.summary}</span>
                </Space>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('aigc.foundAt')}: {tr.location}
                </Typography.Text>
                {tr.signature && (
                  <Typography.Text style={{ fontSize: 12 }}>
                    {t('aigc.signature')}: {tr.signature.status} · {tr.signature.trusted ? t('aigc.trusted') : t('aigc.untrusted')} {tr.signature.subject ? `· ${tr.signature.subject}` : ''}
                  </Typography.Text>
                )}
                {tr.prompt && <Typography.Paragraph ellipsis={{ rows: 2, expandable: true }} style={{ marginBottom: 0, fontSize: 12 }}>{tr.prompt}</Typography.Paragraph>}
                <Problems items={tr.problems.filter((p) => p.severity !== 'info')} />
              </Space>
            </List.Item>
          )}
        />
      )}
      <Problems items={report.problems} />
      {report.text && <AigcTextScore text={report.text} />}
      {report.labels.length > 0 && <Typography.Text type="secondary">{t('aigc.absenceCaveat')}</Typography.Text>}
    </Space>
  );
}
