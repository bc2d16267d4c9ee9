import { Button, Select, Space, Table, Typography } from 'antd';
import type { TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router-dom';
import { optionTestId } from '../lib/optionTestId';
import { useTranslation } from 'react-i18next';
import { listMyWorks } from '../api/endpoints';
import { WORK_STATUSES } from '../api/types';
import type { Work, WorkStatus } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../lib/format';
import { useCategoryLabel } from '../session';

export default function WorksListPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const categoryLabel = useCategoryLabel();
  const page = Number(params.get('page') ?? '1') || 1;
  const pageSize = Number(params.get('pageSize') ?? '20') || 20;
  const status = (params.get('status') || undefined) as WorkStatus | undefined;
  const { data, isLoading, error } = useQuery({
    queryKey: ['works', 'mine', { page, pageSize, status }],
    queryFn: () => listMyWorks({ page, pageSize, status }),
    placeholderData: (prev) => prev,
  });

  const update = (patch: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const columns: TableProps<Work>['columns'] = [
    {
      title: t('fields.title'),
      dataIndex: 'title',
      render: (v: string, w) => (
        <Link to={`/works/${encodeURIComponent(w.id)}`} data-testid={`work-link-${w.id}`}>
          {v || t('common.untitled')}
        </Link>
      ),
    },
    { title: t('fields.category'), dataIndex: 'category', render: (v: string) => categoryLabel(v) },
    { title: t('fields.status'), dataIndex: 'status', render: (v: WorkStatus, w) => <StatusTag status={v} testId={`work-status-${w.id}`} /> },
    {
      title: t('fields.registrationNumber'),
      dataIndex: 'registrationNumber',
      render: (v: string | null) => (v ? <Typography.Text copyable>{v}</Typography.Text> : '—'),
    },
    { title: t('fields.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, w) => (
        <Space size="small">
          <Link to={`/works/${encodeURIComponent(w.id)}`}>{t('common.view')}</Link>
          {['draft', 'rejected', 'changes_requested', 'withdrawn'].includes(w.status) && (
            <Link to={`/works/${encodeURIComponent(w.id)}/edit`} data-testid={`work-edit-link-${w.id}`}>
              {t('actions.edit')}
            </Link>
          )}
        </Space>
      ),
    },
  ];

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('works.title')}
        </Typography.Title>
        <Space wrap>
          <Select
            allowClear
            placeholder={t('works.filterStatus')}
            style={{ width: 180 }}
            value={status}
            onChange={(v?: string) => update({ status: v, page: undefined })}
            options={WORK_STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            optionRender={optionTestId('works-status-option-')}
            data-testid="works-filter-status"
          />
          <Link to="/works/new">
            <Button type="primary" icon={<PlusOutlined />} data-testid="works-new">
              {t('nav.newWork')}
            </Button>
          </Link>
        </Space>
      </Space>
      <ErrorAlert error={error} />
      <Table<Work>
        rowKey="id"
        loading={isLoading}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="works-table"
        onRow={(w) => ({ 'data-testid': `work-row-${w.id}` }) as React.HTMLAttributes<HTMLElement>}
        pagination={{
          current: page,
          pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
          onChange: (p, ps) => update({ page: String(p), pageSize: String(ps) }),
        }}
        locale={{ emptyText: t('works.empty') }}
        scroll={{ x: 'max-content' }}
      />
    </div>
  );
}
