import { App, Button, Form, Input, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { optionTestId } from '../lib/optionTestId';
import { useTranslation } from 'react-i18next';
import { createUser, listUsers, resetUserPassword, updateUser } from '../api/endpoints';
import type { Role, User } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { errorText } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useServerFieldErrors } from '../lib/useServerFieldErrors';
import { useUser } from '../session';

const ROLES: Role[] = ['creator', 'reviewer', 'admin', 'judicial'];
const PAGE_SIZE = 20;

interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  password: string;
}

export default function AdminUsersPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const me = useUser();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') || undefined;
  const page = Number(params.get('page') ?? '1') || 1;
  const [creating, setCreating] = useState(false);
  const [tempPassword, setTempPassword] = useState<{ username: string; password: string } | null>(null);
  const [form] = Form.useForm<NewUser>();
  const applyServerErrors = useServerFieldErrors(form);

  const { data, isFetching, error } = useQuery({
    queryKey: ['admin', 'users', { q, page }],
    queryFn: () => listUsers({ q, page, pageSize: PAGE_SIZE }),
    placeholderData: (prev) => prev,
  });
  const invalidate = () => qc.invalidateQueries({ queryKey: ['admin', 'users'] });
  const onError = (err: unknown) => void message.error(errorText(err, t));

  const create = useMutation({
    mutationFn: createUser,
    onSuccess: (u) => {
      void message.success(t('admin.created', { username: u.username }));
      setCreating(false);
      form.resetFields();
      void invalidate();
    },
    onError: applyServerErrors,
  });
  const patch = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { role?: Role; disabled?: boolean } }) => updateUser(id, body),
    onSuccess: () => {
      void message.success(t('admin.updated'));
      void invalidate();
    },
    onError,
  });
  const reset = useMutation({
    mutationFn: (u: User) => resetUserPassword(u.id).then((r) => ({ username: u.username, password: r.temporaryPassword })),
    onSuccess: (r) => {
      setTempPassword(r);
      void invalidate();
    },
    onError,
  });

  const columns: TableProps<User>['columns'] = [
    { title: t('fields.username'), dataIndex: 'username', render: (v: string) => <span data-testid={`user-${v}`}>{v}</span> },
    { title: t('fields.displayName'), dataIndex: 'displayName' },
    { title: t('fields.realName'), dataIndex: 'realName', render: (v: string | null) => v || '—' },
    { title: t('fields.campusId'), dataIndex: 'campusId', render: (v: string | null) => v || '—' },
    { title: t('fields.unit'), dataIndex: 'unit', render: (v: string | null) => v || '—' },
    {
      title: t('fields.role'),
      dataIndex: 'role',
      render: (v: Role, u) => (
        <Select<Role>
          value={v}
          style={{ width: 130 }}
          disabled={u.id === me?.id}
          onChange={(role) => patch.mutate({ id: u.id, body: { role } })}
          options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
          optionRender={optionTestId(`role-option-${u.username}-`)}
          data-testid={`user-role-${u.username}`}
        />
      ),
    },
    {
      title: t('admin.enabled'),
      key: 'disabled',
      render: (_: unknown, u) => (
        <Switch
          checked={!u.disabled}
          disabled={u.id === me?.id}
          onChange={(enabled) => patch.mutate({ id: u.id, body: { disabled: !enabled } })}
          data-testid={`user-enabled-${u.username}`}
        />
      ),
    },
    {
      title: t('admin.flags'),
      key: 'flags',
      render: (_: unknown, u) => (u.mustChangePassword ? <Tag color="orange">{t('admin.mustChange')}</Tag> : null),
    },
    { title: t('fields.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, u) => (
        <Button
          size="small"
          disabled={u.id === me?.id}
          onClick={() =>
            modal.confirm({
              title: t('admin.resetConfirm', { username: u.username }),
              okText: t('common.confirm'),
              cancelText: t('common.cancel'),
              okButtonProps: { 'data-testid': 'confirm-ok' },
              onOk: () => reset.mutateAsync(u).catch(() => undefined),
            })
          }
          data-testid={`user-reset-${u.username}`}
        >
          {t('admin.resetPassword')}
        </Button>
      ),
    },
  ];

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('admin.title')}
        </Typography.Title>
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('admin.search')}
            defaultValue={q}
            onSearch={(v) => setParams(v.trim() ? { q: v.trim() } : {}, { replace: true })}
            style={{ width: 240 }}
            data-testid="admin-user-search"
          />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="admin-create-user">
            {t('admin.create')}
          </Button>
        </Space>
      </Space>
      <ErrorAlert error={error} />
      <Table<User>
        rowKey="id"
        loading={isFetching && !data}
        columns={columns}
        dataSource={data?.items ?? []}
        data-testid="admin-users-table"
        scroll={{ x: 'max-content' }}
        pagination={{
          current: page,
          total: data?.total ?? 0,
          pageSize: PAGE_SIZE,
          showSizeChanger: false,
          onChange: (p) => {
            const next = new URLSearchParams(params);
            next.set('page', String(p));
            setParams(next, { replace: true });
          },
        }}
      />

      <Modal
        open={creating}
        title={t('admin.create')}
        onCancel={() => setCreating(false)}
        confirmLoading={create.isPending}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'new-user-submit' }}
        onOk={() => {
          void form
            .validateFields()
            .then((v) => create.mutate(v))
            .catch(() => undefined);
        }}
        destroyOnHidden
      >
        <ErrorAlert error={create.error} testId="new-user-error" />
        <Form form={form} layout="vertical" initialValues={{ role: 'creator' }} preserve={false}>
          <Form.Item name="username" label={t('fields.username')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input data-testid="new-user-username" autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('fields.displayName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input data-testid="new-user-display-name" />
          </Form.Item>
          <Form.Item name="role" label={t('fields.role')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select<Role>
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              optionRender={optionTestId('new-user-role-')}
              data-testid="new-user-role"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('admin.initialPassword')}
            extra={t('admin.initialPasswordHelp')}
            rules={[
              { required: true, message: t('validation.required') },
              { min: 8, message: t('validation.passwordMin') },
            ]}
          >
            <Input.Password data-testid="new-user-password" autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={!!tempPassword}
        title={t('admin.tempPasswordTitle', { username: tempPassword?.username ?? '' })}
        onCancel={() => setTempPassword(null)}
        footer={
          <Button type="primary" onClick={() => setTempPassword(null)} data-testid="temporary-password-close">
            {t('common.close')}
          </Button>
        }
      >
        <Typography.Paragraph>{t('admin.tempPasswordHint')}</Typography.Paragraph>
        <Typography.Paragraph copyable={{ text: tempPassword?.password ?? '' }}>
          <code style={{ fontSize: 18 }} data-testid="temporary-password">
            {tempPassword?.password}
          </code>
        </Typography.Paragraph>
      </Modal>
    </div>
  );
}
