import { Checkbox, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { TableProps } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { optionTestId } from '../lib/optionTestId';
import { useTranslation } from 'react-i18next';
import { listReviewWorks } from '../api/endpoints';
import type { ReviewQuery } from '../api/endpoints';
import { WORK_STATUSES } from '../api/types';
import type { ReviewRow, WorkStatus } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../lib/format';
import { useCategoryLabel, useMeta } from '../session';

const SORTS = ['submittedAt', 'reviewedAt', 'title', 'registrationNumber'] as const;
type SortKey = (typeof SORTS)[number];

function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

export default function ReviewQueuePage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const { data: meta } = useMeta();
  const categoryLabel = useCategoryLabel();

  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const status = params.get('status') || undefined;
  const category = params.get('category') || undefined;
  const q = params.get('q') || undefined;
  const mine = params.get('reviewer') === 'me';
  const sortParam = params.get('sort');
  const sort: SortKey | undefined = SORTS.includes(sortParam as SortKey) ? (sortParam as SortKey) : undefined;
  const order: 'asc' | 'desc' | undefined = params.get('order') === 'asc' ? 'asc' : params.get('order') === 'desc' ? 'desc' : undefined;

  const query: ReviewQuery = { status, category, q, reviewer: mine ? 'me' : undefined, sort, order, page, pageSize };
  const { data, isFetching, error } = useQuery({
    queryKey: ['review', query],
    queryFn: () => listReviewWorks(query),
    placeholderData: (prev) => prev,
    refetchInterval: 30_000,
  });

  const update = (patch: Record<string, string | undefined>, resetPage = true) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (resetPage) next.delete('page');
    setParams(next, { replace: true });
  };

  const sortOrderFor = (key: SortKey) => (sort === key ? (order === 'asc' ? 'ascend' : 'descend') : null);

  const columns: TableProps<ReviewRow>['columns'] = [
    {
      title: t('review.col.id'),
      key: 'registrationNumber',
      dataIndex: 'registrationNumber',
      sorter: true,
      sortOrder: sortOrderFor('registrationNumber'),
      render: (_: unknown, r) =>
        r.registrationNumber ? (
          <Typography.Text strong data-testid={`review-regno-${r.id}`}>
            {r.registrationNumber}
          </Typography.Text>
        ) : (
          <Tooltip title={r.id}>
            <Typography.Text type="secondary">#{shortId(r.id)}</Typography.Text>
          </Tooltip>
        ),
    },
    {
      title: t('review.col.title'),
      key: 'title',
      dataIndex: 'title',
      sorter: true,
      sortOrder: sortOrderFor('title'),
      render: (v: string, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/review/${encodeURIComponent(r.id)}`}>{v || t('common.untitled')}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {categoryLabel(r.category)}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('review.col.author'), key: 'authors', dataIndex: 'authors', render: (v: string, r) => v || r.owner?.displayName || '—' },
    {
      title: t('review.col.submittedAt'),
      key: 'submittedAt',
      dataIndex: 'submittedAt',
      sorter: true,
      sortOrder: sortOrderFor('submittedAt'),
      render: (v: string | null) => formatDateTime(v),
    },
    { title: t('review.col.reviewer'), key: 'reviewer', render: (_: unknown, r) => r.reviewer?.displayName ?? '—' },
    { title: t('review.col.status'), key: 'status', dataIndex: 'status', render: (v: WorkStatus, r) => <StatusTag status={v} testId={`review-status-${r.id}`} /> },
    {
      title: t('review.col.reviewedAt'),
      key: 'reviewedAt',
      dataIndex: 'reviewedAt',
      sorter: true,
      sortOrder: sortOrderFor('reviewedAt'),
      render: (v: string | null) => formatDateTime(v),
    },
    {
      title: t('review.col.reason'),
      key: 'reviewReason',
      dataIndex: 'reviewReason',
      ellipsis: { showTitle: false },
      width: 200,
      render: (v: string | null, r) =>
        v && (r.status === 'rejected' || r.status === 'changes_requested') ? (
          <Tooltip title={v}>
            <span>{v}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('review.col.actions'),
      key: 'actions',
      fixed: 'right',
      render: (_: unknown, r) => (
        <Link to={`/review/${encodeURIComponent(r.id)}`} data-testid={`review-open-${r.id}`}>
          {r.status === 'submitted' || r.status === 'in_review' ? t('review.open') : t('common.view')}
        </Link>
      ),
    },
  ];

  const onTableChange: TableProps<ReviewRow>['onChange'] = (pagination, _filters, sorter, extra) => {
    if (extra.action === 'sort') {
      const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<ReviewRow> | undefined;
      const key = s?.columnKey as SortKey | undefined;
      if (s?.order && key && SORTS.includes(key)) update({ sort: key, order: s.order === 'ascend' ? 'asc' : 'desc' });
      else update({ sort: undefined, order: undefined });
      return;
    }
    update({ page: String(pagination.current ?? 1), pageSize: String(pagination.pageSize ?? 20) }, false);
  };

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('review.title')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          allowClear
          placeholder={t('review.searchPlaceholder')}
          defaultValue={q}
          onSearch={(v) => update({ q: v.trim() || undefined })}
          style={{ width: 280 }}
          data-testid="review-search"
          key={`q-${q ?? ''}`}
        />
        <Select
          allowClear
          placeholder={t('review.filterStatus')}
          style={{ width: 160 }}
          value={status}
          onChange={(v?: string) => update({ status: v })}
          options={WORK_STATUSES.filter((s) => s !== 'draft').map((s) => ({ value: s, label: t(`status.${s}`) }))}
          optionRender={optionTestId('status-option-')}
          data-testid="review-filter-status"
        />
        <Select
          allowClear
          placeholder={t('review.filterCategory')}
          style={{ width: 200 }}
          value={category}
          onChange={(v?: string) => update({ category: v })}
          options={(meta?.categories ?? []).map((c) => ({ value: c.key, label: `${i18n.language === 'en' ? c.en : c.zh} (${c.code})` }))}
          optionRender={optionTestId('review-category-option-')}
          data-testid="review-filter-category"
        />
        <Checkbox checked={mine} onChange={(e) => update({ reviewer: e.target.checked ? 'me' : undefined })} data-testid="review-filter-mine">
          {t('review.assignedToMe')}
        </Checkbox>
      </Space>
      <ErrorAlert error={error} />
      <Table<ReviewRow>
        rowKey="id"
        loading={isFetching && !data}
        columns={columns}
        dataSource={data?.items ?? []}
        onChange={onTableChange}
        onRow={(r) => ({ 'data-testid': `review-row-${r.id}` }) as React.HTMLAttributes<HTMLElement>}
        data-testid="review-table"
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
        }}
        locale={{ emptyText: t('review.empty') }}
        scroll={{ x: 'max-content' }}
      />
    </div>
  );
}
