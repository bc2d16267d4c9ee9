import { Alert, App, Button, Card, Col, Descriptions, Empty, Row, Space, Tag, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { approveWork, claimWork, deleteWork, getWork, rejectWork, requestChanges, submitWork, withdrawWork } from '../api/endpoints';
import { fileContentUrl } from '../api/client';
import type { Work, WorkAction } from '../api/types';
import { AuditTrail } from '../components/AuditTrail';
import { CertificateCard } from '../components/CertificateCard';
import { ErrorAlert } from '../components/ErrorAlert';
import { FilePreview } from '../components/FilePreview';
import { FullPageSpin } from '../components/FullPageSpin';
import { ReasonModal } from '../components/ReasonModal';
import { JudicialAccessList } from '../components/JudicialAccessList';
import { RegistryEventsCard } from '../components/RegistryEvents';
import { AigcReport } from '../components/AigcReport';
import { SimilarityReport } from '../components/SimilarityReport';
import { StatusTag } from '../components/StatusTag';
import { errorText } from '../lib/errors';
import { formatBytes, formatDate, formatDateTime } from '../lib/format';
import { useCategoryLabel, useUser } from '../session';

type Pending = Exclude<WorkAction, 'edit'>;

export default function WorkDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const categoryLabel = useCategoryLabel();
  const user = useUser();
  const fromReview = location.pathname.startsWith('/review');
  const [reasonFor, setReasonFor] = useState<'reject' | 'request_changes' | null>(null);
  const { data: work, isLoading, error } = useQuery({ queryKey: ['work', id], queryFn: () => getWork(id) });

  const act = useMutation({
    mutationFn: async ({ action, reason }: { action: Pending; reason?: string }): Promise<Work | null> => {
      switch (action) {
        case 'submit':
          return submitWork(id);
        case 'withdraw':
          return withdrawWork(id);
        case 'delete':
          await deleteWork(id);
          return null;
        case 'claim':
          return claimWork(id);
        case 'approve':
          return approveWork(id);
        case 'reject':
          return rejectWork(id, reason ?? '');
        case 'request_changes':
          return requestChanges(id, reason ?? '');
      }
    },
    onSuccess: (w, { action }) => {
      void qc.invalidateQueries({ queryKey: ['works'] });
      void qc.invalidateQueries({ queryKey: ['review'] });
      void qc.invalidateQueries({ queryKey: ['notifications'] });
      setReasonFor(null);
      void message.success(t(`actions.done.${action}`));
      if (w) {
        qc.setQueryData(['work', id], w);
      } else {
        qc.removeQueries({ queryKey: ['work', id] });
        navigate('/works', { replace: true });
      }
    },
    onError: (err) => {
      void message.error(errorText(err, t));
    },
  });

  if (isLoading) return <FullPageSpin />;
  if (error || !work) {
    return (
      <div>
        <ErrorAlert error={error} />
        <Link to={fromReview ? '/review' : '/works'}>{t('common.back')}</Link>
      </div>
    );
  }

  const allowed = new Set(work.allowedActions ?? []);
  const confirm = (action: Pending, title: string, content?: string) => {
    modal.confirm({
      title,
      content,
      okText: t('common.confirm'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'confirm-ok', danger: action === 'delete' || action === 'withdraw' },
      cancelButtonProps: { 'data-testid': 'confirm-cancel' },
      onOk: () => act.mutateAsync({ action }).catch(() => undefined),
    });
  };
  const busy = act.isPending;

  const actionButtons = (
    <Space wrap data-testid="work-actions">
      {allowed.has('edit') && (
        <Button onClick={() => navigate(`/works/${encodeURIComponent(work.id)}/edit`)} data-testid="action-edit">
          {work.status === 'rejected' || work.status === 'changes_requested' ? t('actions.editResubmit') : t('actions.edit')}
        </Button>
      )}
      {allowed.has('submit') && (
        <Button type="primary" loading={busy} onClick={() => confirm('submit', t('actions.confirm.submit'))} data-testid="action-submit">
          {t('actions.submit')}
        </Button>
      )}
      {allowed.has('withdraw') && (
        <Button loading={busy} onClick={() => confirm('withdraw', t('actions.confirm.withdraw'), t('actions.confirm.withdrawHint'))} data-testid="action-withdraw">
          {t('actions.withdraw')}
        </Button>
      )}
      {allowed.has('delete') && (
        <Button danger loading={busy} onClick={() => confirm('delete', t('actions.confirm.delete'))} data-testid="action-delete">
          {t('actions.delete')}
        </Button>
      )}
      {allowed.has('claim') && (
        <Button type="primary" ghost loading={busy} onClick={() => act.mutate({ action: 'claim' })} data-testid="review-claim">
          {t('actions.claim')}
        </Button>
      )}
      {allowed.has('approve') && (
        <Button
          type="primary"
          loading={busy}
          icon={<SafetyCertificateOutlined />}
          onClick={() => confirm('approve', t('actions.confirm.approve'), t('actions.confirm.approveHint'))}
          data-testid="review-approve"
        >
          {t('actions.approve')}
        </Button>
      )}
      {allowed.has('request_changes') && (
        <Button loading={busy} onClick={() => setReasonFor('request_changes')} data-testid="review-request-changes">
          {t('actions.requestChanges')}
        </Button>
      )}
      {allowed.has('reject') && (
        <Button danger loading={busy} onClick={() => setReasonFor('reject')} data-testid="review-reject">
          {t('actions.reject')}
        </Button>
      )}
    </Space>
  );

  const pub = work.publication;
  const basic: DescriptionsProps['items'] = [
    { key: 'title', label: t('fields.title'), children: <span data-testid="work-detail-title">{work.title}</span>, span: 'filled' },
    { key: 'category', label: t('fields.category'), children: categoryLabel(work.category) },
    { key: 'status', label: t('fields.status'), children: <StatusTag status={work.status} testId="work-status" /> },
    { key: 'authors', label: t('fields.authors'), children: work.authors.map((a) => a.name).join('、') || '—', span: 'filled' },
    {
      key: 'owners',
      label: t('fields.owners'),
      span: 'filled',
      children: (
        <Space orientation="vertical" size={2}>
          {work.owners.map((o, i) => (
            <span key={i}>
              {o.name} <Tag>{t(`ownerKind.${o.kind}`)}</Tag> {o.share}%
            </span>
          ))}
        </Space>
      ),
    },
    { key: 'completedOn', label: t('fields.completedOn'), children: formatDate(work.completedOn) },
    {
      key: 'publication',
      label: t('fields.publication'),
      children:
        pub?.status === 'published'
          ? t('publication.publishedAt', { date: formatDate(pub.date), place: pub.place })
          : t('publication.unpublished'),
    },
    {
      key: 'description',
      label: t('fields.description'),
      span: 'filled',
      children: <div className="cws-pre-line">{work.description || '—'}</div>,
    },
    { key: 'applicant', label: t('fields.applicant'), children: work.owner?.displayName ?? '—' },
    { key: 'reviewer', label: t('fields.reviewer'), children: work.reviewer?.displayName ?? '—' },
    { key: 'createdAt', label: t('fields.createdAt'), children: formatDateTime(work.createdAt) },
    { key: 'updatedAt', label: t('fields.updatedAt'), children: formatDateTime(work.updatedAt) },
    { key: 'submittedAt', label: t('fields.submittedAt'), children: formatDateTime(work.submittedAt) },
    { key: 'reviewedAt', label: t('fields.reviewedAt'), children: formatDateTime(work.reviewedAt) },
    { key: 'id', label: t('fields.workId'), children: <Typography.Text copyable>{work.id}</Typography.Text> },
  ];

  const ai = work.aiDisclosure;
  const aiItems: DescriptionsProps['items'] = ai?.used
    ? [
        { key: 'used', label: t('fields.aiUsed'), children: <Tag color="purple">{t('common.yes')}</Tag>, span: 'filled' },
        { key: 'tools', label: t('fields.aiTools'), children: <div className="cws-pre-line">{ai.tools || '—'}</div>, span: 'filled' },
        { key: 'prompts', label: t('fields.aiPrompts'), children: <div className="cws-pre-line">{ai.prompts || '—'}</div>, span: 'filled' },
        {
          key: 'human',
          label: t('fields.aiHumanContribution'),
          children: <div className="cws-pre-line">{ai.humanContribution || '—'}</div>,
          span: 'filled',
        },
        { key: 'claimed', label: t('fields.aiClaimedParts'), children: <div className="cws-pre-line">{ai.claimedParts || '—'}</div>, span: 'filled' },
        { key: 'excluded', label: t('fields.aiExcludedParts'), children: <div className="cws-pre-line">{ai.excludedParts || '—'}</div>, span: 'filled' },
      ]
    : [{ key: 'used', label: t('fields.aiUsed'), children: t('work.aiNotUsed'), span: 'filled' }];

  return (
    <div data-testid="work-detail" data-work-id={work.id} data-status={work.status}>
      <Space style={{ marginBottom: 8 }}>
        <Link to={fromReview ? '/review' : '/works'}>
          <ArrowLeftOutlined /> {fromReview ? t('nav.review') : t('nav.myWorks')}
        </Link>
      </Space>
      <Row justify="space-between" align="middle" gutter={[16, 8]} style={{ marginBottom: 16 }}>
        <Col>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {work.title || t('common.untitled')} <StatusTag status={work.status} />
          </Typography.Title>
        </Col>
        <Col>{actionButtons}</Col>
      </Row>

      {(work.status === 'approved' || work.status === 'corrected' || work.status === 'revoked') && work.registrationNumber && (
        <Alert
          type="success"
          showIcon
          icon={<SafetyCertificateOutlined />}
          style={{ marginBottom: 16 }}
          title={t('work.registered')}
          description={
            <div>
              <div className="cws-regno" data-testid="registration-number">
                {work.registrationNumber}
              </div>
              <Typography.Text type="secondary">
                {t('work.registeredAt', { date: formatDateTime(work.registeredAt ?? work.reviewedAt) })}
              </Typography.Text>
              {work.log && (
                <div data-testid="log-position" data-index={work.log.index} data-checkpoint-size={work.log.checkpointSize ?? ''}>
                  <Typography.Text type="secondary">
                    {work.log.checkpointSize === null
                      ? t('work.logPending', { index: work.log.index, origin: work.log.origin })
                      : t('work.logCovered', { index: work.log.index, size: work.log.checkpointSize, origin: work.log.origin, date: formatDateTime(work.log.publishedAt) })}
                  </Typography.Text>
                </div>
              )}
            </div>
          }
        />
      )}
      {['approved', 'corrected'].includes(work.status) && work.registrationNumber && <CertificateCard workId={work.id} number={work.registrationNumber} />}
      {work.reviewReason && (work.status === 'rejected' || work.status === 'changes_requested') && (
        <Alert
          type={work.status === 'rejected' ? 'error' : 'warning'}
          showIcon
          style={{ marginBottom: 16 }}
          title={work.status === 'rejected' ? t('work.rejectionReason') : t('work.changeRequest')}
          description={
            <span className="cws-pre-line" data-testid="review-reason">
              {work.reviewReason}
            </span>
          }
        />
      )}
      {(work.status === 'submitted' || work.status === 'in_review') && (
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t(`work.hint.${work.status}`)} />
      )}

      <SimilarityReport workId={work.id} canRerun={user?.role === 'reviewer' || user?.role === 'admin'} />
      <AigcReport workId={work.id} canRerun={user?.role === 'reviewer' || user?.role === 'admin'} />

      <Card title={t('work.metadata')} style={{ marginBottom: 16 }}>
        <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2 }} items={basic} data-testid="work-metadata" />
      </Card>

      <Card title={t('workForm.sectionAi')} style={{ marginBottom: 16 }}>
        <Descriptions bordered size="small" column={1} items={aiItems} data-testid="work-ai-disclosure" />
      </Card>

      <Card title={t('workForm.sectionFiles')} style={{ marginBottom: 16 }} data-testid="work-files-list">
        {work.files.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('files.none')} />
        ) : (
          work.files.map((f) => (
            <Card
              key={f.id}
              type="inner"
              size="small"
              style={{ marginBottom: 12 }}
              title={
                <Space wrap>
                  <span>{f.filename}</span>
                  <Tag>{t(`fileKind.${f.kind}`, { defaultValue: f.kind })}</Tag>
                  <Typography.Text type="secondary">{formatBytes(f.size)}</Typography.Text>
                </Space>
              }
              extra={
                <a href={fileContentUrl(work.id, f.id)} download={f.filename} data-testid={`file-download-${f.id}`}>
                  <DownloadOutlined /> {t('files.download')}
                </a>
              }
            >
              <div style={{ marginBottom: 8 }}>
                <Typography.Text type="secondary">SHA-256: </Typography.Text>
                <Typography.Text className="cws-hash" copyable data-testid={`file-sha256-${f.id}`}>
                  {f.sha256}
                </Typography.Text>
                <Typography.Text type="secondary" style={{ marginLeft: 12 }}>
                  {f.mediaType}
                </Typography.Text>
              </div>
              <FilePreview workId={work.id} file={f} />
            </Card>
          ))
        )}
      </Card>

      <RegistryEventsCard work={work} isAdmin={user?.role === 'admin'} />
      {work.registrationNumber && (user?.id === work.owner?.id || user?.role === 'admin') && <JudicialAccessList workId={work.id} />}

      <Card title={t('audit.title')} style={{ marginBottom: 16 }}>
        <AuditTrail events={work.events ?? []} />
      </Card>

      <ReasonModal
        open={reasonFor === 'reject'}
        title={t('review.rejectTitle')}
        label={t('review.rejectReason')}
        inputTestId="reject-reason"
        confirmLoading={busy}
        onCancel={() => setReasonFor(null)}
        onSubmit={(reason) => act.mutate({ action: 'reject', reason })}
      />
      <ReasonModal
        open={reasonFor === 'request_changes'}
        title={t('review.changesTitle')}
        label={t('review.changesReason')}
        inputTestId="request-changes-reason"
        confirmLoading={busy}
        onCancel={() => setReasonFor(null)}
        onSubmit={(reason) => act.mutate({ action: 'request_changes', reason })}
      />
    </div>
  );
}
