import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Divider,
  Form,
  Input,
  InputNumber,
  Progress,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Switch,
  Typography,
  Upload,
} from 'antd';
import type { UploadFile, UploadProps } from 'antd';
import { DeleteOutlined, InboxOutlined, MinusCircleOutlined, PaperClipOutlined, PlusOutlined, UndoOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { optionTestId } from '../lib/optionTestId';
import { useTranslation } from 'react-i18next';
import { createWork, getWork, submitWork, updateWork } from '../api/endpoints';
import type { Work, WorkMetadata } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { FullPageSpin } from '../components/FullPageSpin';
import { StatusTag } from '../components/StatusTag';
import { extensionOf, formatBytes, normExt } from '../lib/format';
import { useServerFieldErrors } from '../lib/useServerFieldErrors';
import { useMeta, useUser } from '../session';

interface OwnerValue {
  name?: string;
  kind?: 'person' | 'institution';
  share?: number | null;
}

interface FormValues {
  title?: string;
  category?: string;
  description?: string;
  authors?: { name?: string }[];
  owners?: OwnerValue[];
  completedOn?: Dayjs | null;
  publication?: { status?: 'unpublished' | 'published'; date?: Dayjs | null; place?: string };
  aiDisclosure?: {
    used?: boolean;
    tools?: string;
    prompts?: string;
    humanContribution?: string;
    claimedParts?: string;
    excludedParts?: string;
  };
}

const DATE = 'YYYY-MM-DD';

function fromWork(w: Work): FormValues {
  return {
    title: w.title,
    category: w.category || undefined,
    description: w.description ?? '',
    authors: w.authors?.length ? w.authors.map((a) => ({ name: a.name })) : [{ name: '' }],
    owners: w.owners?.length ? w.owners.map((o) => ({ ...o })) : [{ name: '', kind: 'person', share: 100 }],
    completedOn: w.completedOn ? dayjs(w.completedOn) : null,
    publication:
      w.publication?.status === 'published'
        ? { status: 'published', date: w.publication.date ? dayjs(w.publication.date) : null, place: w.publication.place }
        : { status: 'unpublished' },
    aiDisclosure: { ...(w.aiDisclosure ?? { used: false }) },
  };
}

function toMetadata(v: FormValues): Partial<WorkMetadata> {
  const ai = v.aiDisclosure ?? {};
  const used = !!ai.used;
  const meta: Partial<WorkMetadata> = {
    title: (v.title ?? '').trim(),
    description: (v.description ?? '').trim(),
    authors: (v.authors ?? []).filter((a) => a?.name?.trim()).map((a) => ({ name: (a.name ?? '').trim() })),
    owners: (v.owners ?? [])
      .filter((o) => o?.name?.trim())
      .map((o) => ({ name: (o.name ?? '').trim(), kind: o.kind ?? 'person', share: Number(o.share ?? 0) })),
    publication:
      v.publication?.status === 'published'
        ? { status: 'published', date: v.publication.date ? v.publication.date.format(DATE) : '', place: (v.publication.place ?? '').trim() }
        : { status: 'unpublished' },
    aiDisclosure: {
      used,
      tools: used ? (ai.tools ?? '').trim() : '',
      prompts: used ? (ai.prompts ?? '').trim() : '',
      humanContribution: used ? (ai.humanContribution ?? '').trim() : '',
      claimedParts: used ? (ai.claimedParts ?? '').trim() : '',
      excludedParts: used ? (ai.excludedParts ?? '').trim() : '',
    },
  };
  if (v.category) meta.category = v.category;
  if (v.completedOn) meta.completedOn = v.completedOn.format(DATE);
  return meta;
}

function roundShare(n: number): number {
  return Math.round(n * 100) / 100;
}

export default function WorkFormPage() {
  const { id } = useParams();
  const isEdit = !!id;
  const { data: work, isLoading, error } = useQuery({
    queryKey: ['work', id],
    queryFn: () => getWork(id!),
    enabled: isEdit,
  });
  const { t } = useTranslation();
  if (isEdit && isLoading) return <FullPageSpin />;
  if (isEdit && (error || !work)) return <ErrorAlert error={error} />;
  if (work && !(work.allowedActions ?? []).includes('edit')) {
    return (
      <Result
        status="warning"
        title={t('workForm.notEditable')}
        subTitle={<StatusTag status={work.status} />}
        extra={<Link to={`/works/${encodeURIComponent(work.id)}`}>{t('workForm.backToWork')}</Link>}
      />
    );
  }
  // One form instance per work; a save that succeeds before a failed submit keeps what was typed.
  return <WorkForm key={work ? work.id : 'new'} work={work} />;
}

function WorkForm({ work }: { work?: Work }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const user = useUser();
  const { data: meta } = useMeta();
  const [form] = Form.useForm<FormValues>();
  const applyServerErrors = useServerFieldErrors(form);
  const [newFiles, setNewFiles] = useState<UploadFile[]>([]);
  const [removeIds, setRemoveIds] = useState<string[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState<'draft' | 'submit' | null>(null);
  const [serverError, setServerError] = useState<unknown>(null);
  const [filesError, setFilesError] = useState<string | null>(null);

  const aiUsed = Form.useWatch(['aiDisclosure', 'used'], form);
  const pubStatus = Form.useWatch(['publication', 'status'], form);
  const owners = Form.useWatch('owners', form) as OwnerValue[] | undefined;
  const shareSum = roundShare((owners ?? []).reduce((s, o) => s + (Number(o?.share) || 0), 0));

  const limits = meta?.limits;
  const allowed = useMemo(() => (limits?.allowedExtensions ?? []).map(normExt), [limits]);
  const existingFiles = (work?.files ?? []).filter((f) => !removeIds.includes(f.id));
  const totalFiles = existingFiles.length + newFiles.length;

  const initialValues: FormValues = work
    ? fromWork(work)
    : {
        authors: [{ name: user?.realName || user?.displayName || '' }],
        owners: [{ name: user?.realName || user?.displayName || '', kind: 'person', share: 100 }],
        publication: { status: 'unpublished' },
        aiDisclosure: { used: false },
        description: '',
      };

  const req = { required: true, message: t('validation.required') };

  const beforeUpload: UploadProps['beforeUpload'] = (file) => {
    const ext = extensionOf(file.name);
    if (allowed.length > 0 && !allowed.includes(ext)) {
      void message.error(t('workForm.badExtension', { name: file.name, allowed: allowed.join(', ') }));
      return Upload.LIST_IGNORE;
    }
    if (limits && file.size > limits.maxFileBytes) {
      void message.error(t('workForm.tooLarge', { name: file.name, max: formatBytes(limits.maxFileBytes) }));
      return Upload.LIST_IGNORE;
    }
    if (file.size === 0) {
      void message.error(t('workForm.emptyFile', { name: file.name }));
      return Upload.LIST_IGNORE;
    }
    return false; // keep the file; it is sent with the form
  };

  const onFilesChange: UploadProps['onChange'] = ({ fileList }) => {
    let list = fileList;
    if (limits) {
      const room = Math.max(0, limits.maxFilesPerWork - existingFiles.length);
      if (list.length > room) {
        void message.warning(t('workForm.tooManyFiles', { max: limits.maxFilesPerWork }));
        list = list.slice(0, room);
      }
    }
    setNewFiles(list);
    if (list.length > 0) setFilesError(null);
  };

  const save = async (submit: boolean) => {
    setServerError(null);
    setFilesError(null);
    let values: FormValues;
    try {
      if (submit) {
        await form.validateFields();
      } else {
        await form.validateFields([['title']]);
      }
      values = form.getFieldsValue(true) as FormValues;
    } catch {
      void message.error(t('workForm.fixErrors'));
      return;
    }
    if (submit && totalFiles === 0) {
      setFilesError(t('workForm.filesRequired'));
      void message.error(t('workForm.filesRequired'));
      return;
    }
    const files = newFiles.map((f) => (f.originFileObj ?? (f as unknown as File)) as File);
    const metadata = toMetadata(values);
    setBusy(submit ? 'submit' : 'draft');
    setProgress(files.length > 0 ? 0 : null);
    try {
      let saved: Work;
      if (work) {
        saved = await updateWork(work.id, {
          metadata: { ...metadata, removeFileIds: removeIds },
          files,
          onProgress: files.length > 0 ? setProgress : undefined,
        });
        qc.setQueryData(['work', saved.id], saved);
        setNewFiles([]);
        setRemoveIds([]);
        if (submit) saved = await submitWork(saved.id);
      } else {
        saved = await createWork({ metadata, files, submit, onProgress: files.length > 0 ? setProgress : undefined });
      }
      qc.setQueryData(['work', saved.id], saved);
      void qc.invalidateQueries({ queryKey: ['works'] });
      void message.success(submit ? t('workForm.submitted') : t('workForm.saved'));
      navigate(`/works/${encodeURIComponent(saved.id)}`);
    } catch (err) {
      setServerError(err);
      applyServerErrors(err);
      window.scrollTo({ top: 0, behavior: 'smooth' });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  const categoryOptions = (meta?.categories ?? []).map((c) => {
    const name = i18n.language === 'en' ? c.en : c.zh;
    return {
      value: c.key,
      searchText: `${c.zh} ${c.en} ${c.code} ${c.key}`,
      label: `${name} (${c.code})`,
    };
  });

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {work ? t('workForm.editTitle') : t('workForm.newTitle')}
        {work && (
          <span style={{ marginLeft: 12, verticalAlign: 'middle' }}>
            <StatusTag status={work.status} />
          </span>
        )}
      </Typography.Title>
      {work?.reviewReason && (work.status === 'rejected' || work.status === 'changes_requested') && (
        <Alert
          type={work.status === 'rejected' ? 'error' : 'warning'}
          showIcon
          style={{ marginBottom: 16 }}
          title={work.status === 'rejected' ? t('work.rejectionReason') : t('work.changeRequest')}
          description={<span className="cws-pre-line">{work.reviewReason}</span>}
          data-testid="review-reason"
        />
      )}
      <ErrorAlert error={serverError} testId="work-form-error" />
      <Form<FormValues> form={form} layout="vertical" initialValues={initialValues} scrollToFirstError data-testid="work-form">
        <Card title={t('workForm.sectionBasic')} style={{ marginBottom: 16 }}>
          <Form.Item name="title" label={t('fields.title')} rules={[req, { max: 200, message: t('validation.maxLength', { max: 200 }) }]}>
            <Input data-testid="work-title" maxLength={200} showCount />
          </Form.Item>
          <Form.Item name="category" label={t('fields.category')} rules={[req]} extra={t('workForm.categoryHelp')}>
            <Select
              data-testid="work-category"
              placeholder={t('workForm.categoryPlaceholder')}
              options={categoryOptions}
              optionRender={optionTestId('category-option-')}
              showSearch={{ optionFilterProp: 'searchText' }}
              loading={!meta}
            />
          </Form.Item>
          <Form.Item name="description" label={t('fields.description')} rules={[{ max: 10000, message: t('validation.maxLength', { max: 10000 }) }]}>
            <Input.TextArea data-testid="work-description" rows={4} maxLength={10000} showCount />
          </Form.Item>
        </Card>

        <Card title={t('workForm.sectionPeople')} style={{ marginBottom: 16 }}>
          <Typography.Text strong>{t('fields.authors')}</Typography.Text>
          <Form.List
            name="authors"
            rules={[
              {
                validator: async (_r, list?: { name?: string }[]) => {
                  if (!list || list.filter((a) => a?.name?.trim()).length < 1) throw new Error(t('workForm.authorsRequired'));
                },
              },
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <div style={{ marginTop: 8 }} data-testid="work-authors">
                {fields.map((field, index) => (
                  <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={[field.name, 'name']} rules={[{ ...req, whitespace: true }]} style={{ marginBottom: 8, minWidth: 320 }}>
                      <Input placeholder={t('workForm.authorName')} maxLength={100} data-testid={`work-author-${index}`} />
                    </Form.Item>
                    {fields.length > 1 && (
                      <MinusCircleOutlined
                        onClick={() => remove(field.name)}
                        aria-label={t('common.remove')}
                        data-testid={`work-author-remove-${index}`}
                      />
                    )}
                  </Space>
                ))}
                <Button type="dashed" onClick={() => add({ name: '' })} icon={<PlusOutlined />} data-testid="work-author-add">
                  {t('workForm.addAuthor')}
                </Button>
                <Form.ErrorList errors={errors} />
              </div>
            )}
          </Form.List>

          <Divider />
          <Typography.Text strong>{t('fields.owners')}</Typography.Text>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
            {t('workForm.ownersHelp')}
          </Typography.Paragraph>
          <Form.List
            name="owners"
            rules={[
              {
                validator: async (_r, list?: OwnerValue[]) => {
                  const named = (list ?? []).filter((o) => o?.name?.trim());
                  if (named.length < 1) throw new Error(t('workForm.ownersRequired'));
                  const sum = roundShare(named.reduce((s, o) => s + (Number(o.share) || 0), 0));
                  if (Math.abs(sum - 100) > 0.001) throw new Error(t('workForm.sharesSum', { sum }));
                },
              },
            ]}
          >
            {(fields, { add, remove }, { errors }) => (
              <div data-testid="work-owners">
                {fields.map((field, index) => (
                  <Row key={field.key} gutter={8} align="top">
                    <Col xs={24} md={10}>
                      <Form.Item name={[field.name, 'name']} rules={[{ ...req, whitespace: true }]} style={{ marginBottom: 8 }}>
                        <Input placeholder={t('workForm.ownerName')} maxLength={100} data-testid={`work-owner-name-${index}`} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={7}>
                      <Form.Item name={[field.name, 'kind']} rules={[req]} style={{ marginBottom: 8 }}>
                        <Radio.Group data-testid={`work-owner-kind-${index}`} optionType="button">
                          <Radio.Button value="person">
                            <span data-testid={`work-owner-kind-${index}-person`}>{t('ownerKind.person')}</span>
                          </Radio.Button>
                          <Radio.Button value="institution">
                            <span data-testid={`work-owner-kind-${index}-institution`}>{t('ownerKind.institution')}</span>
                          </Radio.Button>
                        </Radio.Group>
                      </Form.Item>
                    </Col>
                    <Col xs={9} md={5}>
                      <Form.Item
                        name={[field.name, 'share']}
                        rules={[req, { type: 'number', min: 0.01, max: 100, message: t('workForm.shareRange') }]}
                        style={{ marginBottom: 8 }}
                      >
                        <InputNumber
                          min={0}
                          max={100}
                          step={1}
                          precision={2}
                          suffix="%"
                          style={{ width: '100%' }}
                          data-testid={`work-owner-share-${index}`}
                          onChange={() => {
                            // Re-check the list only when it shows an error (client or server), to clear or update it.
                            if (form.getFieldError(['owners']).length > 0) void form.validateFields([['owners']]).catch(() => undefined);
                          }}
                        />
                      </Form.Item>
                    </Col>
                    <Col xs={3} md={2} style={{ paddingTop: 6 }}>
                      {fields.length > 1 && (
                        <MinusCircleOutlined
                          onClick={() => remove(field.name)}
                          aria-label={t('common.remove')}
                          data-testid={`work-owner-remove-${index}`}
                        />
                      )}
                    </Col>
                  </Row>
                ))}
                <Space>
                  <Button
                    type="dashed"
                    onClick={() => add({ name: '', kind: 'person', share: Math.max(0, roundShare(100 - shareSum)) || undefined })}
                    icon={<PlusOutlined />}
                    data-testid="work-owner-add"
                  >
                    {t('workForm.addOwner')}
                  </Button>
                  <Typography.Text type={Math.abs(shareSum - 100) > 0.001 ? 'danger' : 'success'} data-testid="work-owner-share-sum">
                    {t('workForm.shareTotal', { sum: shareSum })}
                  </Typography.Text>
                </Space>
                <Form.ErrorList errors={errors} />
              </div>
            )}
          </Form.List>
        </Card>

        <Card title={t('workForm.sectionDates')} style={{ marginBottom: 16 }}>
          <Form.Item
            name="completedOn"
            label={t('fields.completedOn')}
            rules={[
              req,
              {
                validator: async (_r, v?: Dayjs | null) => {
                  if (v && v.isAfter(dayjs(), 'day')) throw new Error(t('workForm.futureDate'));
                },
              },
            ]}
          >
            <DatePicker data-testid="work-completed-on" format={DATE} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name={['publication', 'status']} label={t('fields.publication')} rules={[req]}>
            <Radio.Group data-testid="work-publication-status">
              <Radio value="unpublished">
                <span data-testid="work-published-no">{t('publication.unpublished')}</span>
              </Radio>
              <Radio value="published">
                <span data-testid="work-published-yes">{t('publication.published')}</span>
              </Radio>
            </Radio.Group>
          </Form.Item>
          {pubStatus === 'published' && (
            <Row gutter={16}>
              <Col xs={24} md={8}>
                <Form.Item
                  name={['publication', 'date']}
                  label={t('fields.publishedOn')}
                  dependencies={['completedOn']}
                  rules={[
                    req,
                    ({ getFieldValue }) => ({
                      validator: async (_r, v?: Dayjs | null) => {
                        if (v && v.isAfter(dayjs(), 'day')) throw new Error(t('workForm.futureDate'));
                        const done = getFieldValue('completedOn') as Dayjs | null | undefined;
                        if (v && done && v.isBefore(done, 'day')) throw new Error(t('workForm.publishedBeforeCompleted'));
                      },
                    }),
                  ]}
                >
                  <DatePicker data-testid="work-published-on" format={DATE} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
                </Form.Item>
              </Col>
              <Col xs={24} md={16}>
                <Form.Item name={['publication', 'place']} label={t('fields.publishedPlace')} rules={[{ ...req, whitespace: true }]}>
                  <Input data-testid="work-published-place" maxLength={200} placeholder={t('workForm.placePlaceholder')} />
                </Form.Item>
              </Col>
            </Row>
          )}
        </Card>

        <Card title={t('workForm.sectionAi')} style={{ marginBottom: 16 }} data-testid="work-ai-section">
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('workForm.aiHelpTitle')} description={t('workForm.aiHelp')} />
          <Form.Item name={['aiDisclosure', 'used']} label={t('fields.aiUsed')} valuePropName="checked">
            <Switch data-testid="work-ai-used" checkedChildren={t('common.yes')} unCheckedChildren={t('common.no')} />
          </Form.Item>
          {aiUsed && (
            <>
              <Form.Item name={['aiDisclosure', 'tools']} label={t('fields.aiTools')} rules={[{ ...req, whitespace: true }]} extra={t('workForm.aiToolsHelp')}>
                <Input data-testid="work-ai-tools" />
              </Form.Item>
              <Form.Item name={['aiDisclosure', 'prompts']} label={t('fields.aiPrompts')} extra={t('workForm.aiPromptsHelp')}>
                <Input.TextArea data-testid="work-ai-prompts" rows={3} />
              </Form.Item>
              <Form.Item
                name={['aiDisclosure', 'humanContribution']}
                label={t('fields.aiHumanContribution')}
                rules={[{ ...req, whitespace: true }]}
                extra={t('workForm.aiHumanHelp')}
              >
                <Input.TextArea data-testid="work-ai-human" rows={3} />
              </Form.Item>
              <Form.Item name={['aiDisclosure', 'claimedParts']} label={t('fields.aiClaimedParts')} rules={[{ ...req, whitespace: true }]}>
                <Input.TextArea data-testid="work-ai-claimed" rows={2} />
              </Form.Item>
              <Form.Item name={['aiDisclosure', 'excludedParts']} label={t('fields.aiExcludedParts')}>
                <Input.TextArea data-testid="work-ai-excluded" rows={2} />
              </Form.Item>
            </>
          )}
        </Card>

        <Card title={t('workForm.sectionFiles')} style={{ marginBottom: 16 }}>
          {limits && (
            <Typography.Paragraph type="secondary" data-testid="work-file-limits">
              {t('workForm.limits', {
                max: formatBytes(limits.maxFileBytes),
                count: limits.maxFilesPerWork,
                exts: allowed.join(', '),
              })}
            </Typography.Paragraph>
          )}
          {work && work.files.length > 0 && (
            <div style={{ marginBottom: 16 }} data-testid="work-existing-files">
              {work.files.map((f) => {
                const removed = removeIds.includes(f.id);
                return (
                  <div key={f.id} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '4px 0' }} data-testid={`work-file-${f.id}`}>
                    <PaperClipOutlined />
                    <Typography.Text delete={removed}>{f.filename}</Typography.Text>
                    <Typography.Text type="secondary">{formatBytes(f.size)}</Typography.Text>
                    {removed ? (
                      <Button size="small" type="link" icon={<UndoOutlined />} onClick={() => setRemoveIds((ids) => ids.filter((x) => x !== f.id))}>
                        {t('workForm.keepFile')}
                      </Button>
                    ) : (
                      <Button
                        size="small"
                        type="link"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => setRemoveIds((ids) => [...ids, f.id])}
                        data-testid={`work-file-remove-${f.id}`}
                      >
                        {t('common.remove')}
                      </Button>
                    )}
                  </div>
                );
              })}
            </div>
          )}
          <div data-testid="work-files">
            <Upload.Dragger
              multiple
              beforeUpload={beforeUpload}
              fileList={newFiles}
              onChange={onFilesChange}
              accept={allowed.length ? allowed.map((e) => `.${e}`).join(',') : undefined}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('workForm.dropFiles')}</p>
              <p className="ant-upload-hint">{t('workForm.dropHint')}</p>
            </Upload.Dragger>
          </div>
          {filesError && (
            <Typography.Text type="danger" data-testid="work-files-error">
              {filesError}
            </Typography.Text>
          )}
        </Card>

        {progress !== null && (
          <Card style={{ marginBottom: 16 }}>
            <Typography.Text>{t('workForm.uploading')}</Typography.Text>
            <Progress percent={progress} status={progress < 100 ? 'active' : 'success'} data-testid="upload-progress" />
          </Card>
        )}

        <Space style={{ marginBottom: 24 }}>
          <Button onClick={() => void save(false)} loading={busy === 'draft'} disabled={busy !== null} data-testid="work-save-draft">
            {t('workForm.saveDraft')}
          </Button>
          <Button type="primary" onClick={() => void save(true)} loading={busy === 'submit'} disabled={busy !== null} data-testid="work-submit">
            {t('workForm.submit')}
          </Button>
          <Button onClick={() => navigate(work ? `/works/${encodeURIComponent(work.id)}` : '/works')} disabled={busy !== null}>
            {t('common.cancel')}
          </Button>
        </Space>
      </Form>
    </div>
  );
}
