import { Alert, Button, Card, Checkbox, Form, Input, Select, Space, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, commonHeaders, parseErrorBody } from '../api/client';
import { errorText } from '../lib/errors';

interface Values {
  Label: '1' | '2' | '3';
  ContentProducer: string;
  ProduceID?: string;
  ContentPropagator?: string;
  PropagateID?: string;
  ReservedCode1?: string;
  ReservedCode2?: string;
  explicit: boolean;
  corner: 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';
}

const ASCII = /^[\x20-\x7e]*$/;

/** Label page for a campus AI service: writes the GB 45438 implicit label (and an explicit one) into a file. */
export default function AigcLabelPage() {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<{ url: string; name: string; carrier: string; explicit: string } | null>(null);

  const submit = async (v: Values) => {
    const file = files[0]?.originFileObj;
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const label = { Label: v.Label, ContentProducer: v.ContentProducer, ProduceID: v.ProduceID ?? '', ReservedCode1: v.ReservedCode1 ?? '', ContentPropagator: v.ContentPropagator ?? '', PropagateID: v.PropagateID ?? '', ReservedCode2: v.ReservedCode2 ?? '' };
      const isImage = /\.(png|jpe?g|webp|gif|tiff?)$/i.test(file.name);
      const isText = /\.(md|markdown)$/i.test(file.name);
      const isAudio = /\.(wav|mp3|flac|ogg|opus|m4a)$/i.test(file.name);
      const isVideo = /\.(mp4|mov|m4v)$/i.test(file.name);
      const options = v.explicit ? { ...(isImage ? { imageText: { corner: v.corner } } : {}), ...(isVideo ? { videoText: { corner: v.corner } } : {}), ...(isText ? { textMarker: { position: 'start' } } : {}), ...(isAudio ? { audioCue: true } : {}) } : {};
      const body = new FormData();
      body.append('label', JSON.stringify(label));
      body.append('options', JSON.stringify(options));
      body.append('file', file, file.name);
      const res = await fetch('/api/aigc/label', { method: 'POST', body, credentials: 'same-origin', headers: commonHeaders('POST') });
      if (!res.ok) throw parseErrorBody(res.status, await res.text());
      const blob = await res.blob();
      setDone({ url: URL.createObjectURL(blob), name: file.name, carrier: res.headers.get('x-aigc-carrier') ?? '', explicit: decodeURIComponent(res.headers.get('x-aigc-explicit') ?? '') });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const ascii = { pattern: ASCII, message: t('aigc.asciiOnly') };
  return (
    <Card title={t('aigc.labelTitle')}>
      <Typography.Paragraph>{t('aigc.labelIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" initialValues={{ Label: '1', explicit: true, corner: 'bottom-right' }} onFinish={submit} style={{ maxWidth: 640 }}>
        <Form.Item name="Label" label={t('aigc.field.Label')} rules={[{ required: true }]}>
          <Select options={(['1', '2', '3'] as const).map((v) => ({ value: v, label: t(`aigc.labelValue.${v}`) }))} data-testid="aigc-label-value" />
        </Form.Item>
        <Form.Item name="ContentProducer" label={t('aigc.field.ContentProducer')} rules={[{ required: true, message: t('aigc.producerRequired') }, ascii]} extra={t('aigc.producerHelp')}>
          <Input data-testid="aigc-producer" />
        </Form.Item>
        {(['ProduceID', 'ContentPropagator', 'PropagateID', 'ReservedCode1', 'ReservedCode2'] as const).map((f) => (
          <Form.Item key={f} name={f} label={t(`aigc.field.${f}`)} rules={[ascii]}>
            <Input />
          </Form.Item>
        ))}
        <Form.Item name="explicit" valuePropName="checked">
          <Checkbox>{t('aigc.addExplicit')}</Checkbox>
        </Form.Item>
        <Form.Item name="corner" label={t('aigc.corner')}>
          <Select options={(['bottom-right', 'bottom-left', 'top-right', 'top-left'] as const).map((c) => ({ value: c, label: t(`aigc.corners.${c}`) }))} />
        </Form.Item>
        <Form.Item label={t('aigc.file')} required>
          <Upload maxCount={1} fileList={files} beforeUpload={() => false} onChange={({ fileList }) => setFiles(fileList.slice(-1))} data-testid="aigc-label-file">
            <Button icon={<UploadOutlined />}>{t('aigc.chooseFile')}</Button>
          </Upload>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} disabled={!files.length} data-testid="aigc-label-submit">
          {t('aigc.writeLabel')}
        </Button>
      </Form>
      <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
        {error !== null && <Alert type="error" showIcon message={errorText(error, t)} description={error instanceof ApiError && typeof error.details?.reason === 'string' ? error.details.reason : undefined} />}
        {done && (
          <Alert
            type="success"
            showIcon
            data-testid="aigc-label-done"
            message={t('aigc.labelDone', { carrier: done.carrier })}
            description={
              <Space direction="vertical">
                {done.explicit && <span>{done.explicit}</span>}
                <a href={done.url} download={done.name}>
                  <DownloadOutlined /> {t('aigc.download')}
                </a>
              </Space>
            }
          />
        )}
      </Space>
    </Card>
  );
}
