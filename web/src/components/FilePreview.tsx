import { Alert, Spin, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { acceptLanguage, fileContentUrl } from '../api/client';
import type { WorkFile } from '../api/types';
import { formatBytes } from '../lib/format';

export const TEXT_PREVIEW_BYTES = 200 * 1024;

async function fetchTextHead(url: string): Promise<string> {
  const res = await fetch(url, {
    credentials: 'same-origin',
    headers: { Range: `bytes=0-${TEXT_PREVIEW_BYTES - 1}`, 'Accept-Language': acceptLanguage() },
  });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const buf = await res.arrayBuffer();
  // A server that ignores Range sends everything: keep only the head.
  const head = buf.byteLength > TEXT_PREVIEW_BYTES ? buf.slice(0, TEXT_PREVIEW_BYTES) : buf;
  return new TextDecoder('utf-8', { fatal: false }).decode(head);
}

function TextPreview({ url, file }: { url: string; file: WorkFile }) {
  const { t } = useTranslation();
  const { data, isLoading, error } = useQuery({ queryKey: ['file-text', url], queryFn: () => fetchTextHead(url), staleTime: Infinity });
  if (isLoading) return <Spin />;
  if (error) return <Alert type="warning" showIcon title={t('files.previewFailed')} />;
  return (
    <>
      <pre className="cws-pre" data-testid={`file-preview-text-${file.id}`}>
        {data}
      </pre>
      {file.size > TEXT_PREVIEW_BYTES && (
        <Typography.Text type="secondary">{t('files.truncated', { size: formatBytes(TEXT_PREVIEW_BYTES) })}</Typography.Text>
      )}
    </>
  );
}

export function FilePreview({ workId, file }: { workId: string; file: WorkFile }) {
  const { t } = useTranslation();
  const url = fileContentUrl(workId, file.id);
  let body: React.ReactNode;
  switch (file.kind) {
    case 'image':
      body = <img src={url} alt={file.filename} loading="lazy" data-testid={`file-preview-image-${file.id}`} />;
      break;
    case 'audio':
      body = <audio controls preload="metadata" src={url} data-testid={`file-preview-audio-${file.id}`} />;
      break;
    case 'video':
      body = <video controls preload="metadata" src={url} data-testid={`file-preview-video-${file.id}`} />;
      break;
    case 'pdf':
      body = <iframe src={url} title={file.filename} data-testid={`file-preview-pdf-${file.id}`} />;
      break;
    case 'text':
      body = <TextPreview url={url} file={file} />;
      break;
    default:
      body = <Typography.Text type="secondary">{t('files.noPreview')}</Typography.Text>;
  }
  return <div className="cws-preview">{body}</div>;
}
