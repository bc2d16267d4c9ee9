import { Alert, App, Button, Checkbox, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableProps } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listUsers } from '../api/endpoints';
import { createApiKey, listApiKeys, revokeApiKey, type JudicialKey } from '../api/registry';
import { ErrorAlert } from '../components/ErrorAlert';
import { errorText } from '../lib/errors';
import { formatDateTime } from '../lib/format';

const SCOPES = ['lookup:number', 'lookup:sha256', 'lookup:owner'] as const;

interface NewKey {
  userId: string;
  name: string;
  scopes: string[];
  expiresAt: Dayjs;
}

/**
 * Judicial API keys (courts, copyright offices): list, create with scopes and an expiry (the
 * secret is shown once, never again), revoke. Every use is audited and shown to the owners.
 */
export default function AdminApiKeysPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ token: string; expiresAt: string } | null>(null);
  const [form] = Form.useForm<NewKey>();
  const { data = [], isFetching, error } = useQuery({ queryKey: ['admin', 'api-keys'], queryFn: listApiKeys });
  const { data: holders } = useQuery({ queryKey: ['admin', 'users', 'judicial'], queryFn: () => listUsers({ pageSize: 100 }), enabled: creating });
  const invalidate = () => qc.invalidateQueries({ queryKey: ['admin', 'api-keys'] });
  const create = useMutation({
    mutationFn: (v: NewKey) => createApiKey({ userId: v.userId, name: v.name, scopes: v.scopes, expiresAt: v.expiresAt.endOf('day').toISOString() }),
    onSuccess: (r) => {
      setCreating(false);
      form.resetFields();
      setSecret({ token: r.token, expiresAt: r.expiresAt });
      void invalidate();
    },
    onError: (e) => void message.error(errorText(e, t)),
  });
  const revoke = useMutation({
    mutationFn: (k: JudicialKey) => revokeApiKey(k.id),
    onSuccess: () => {
      void message.success(t('apiKeys.revokedDone'));
      void invalidate();
    },
    onError: (e) => void message.error(errorText(e, t)),
  });

  const stateOf = (k: JudicialKey) => (k.revokedAt ? 'revoked' : Date.parse(k.expiresAt) <= Date.now() ? 'expired' : 'active');
  const columns: TableProps<JudicialKey>['columns'] = [
    { title: t('apiKeys.name'), dataIndex: 'name', render: (v: string) => <span data-testid={`api-key-${v}`}>{v}</span> },
    { title: t('apiKeys.holder'), dataIndex: 'username' },
    { title: t('apiKeys.scope'), dataIndex: 'scopes', render: (s: string[]) => s.map((x) => <Tag key={x}>{t(`apiKeys.scopes.${x.replace(':', '_')}`, { defaultValue: x })}</Tag>) },
    { title: t('apiKeys.expiresAt'), dataIndex: 'expiresAt', render: (v: string) => formatDateTime(v) },
    { title: t('apiKeys.lastUsedAt'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? formatDateTime(v) : '—') },
    {
      title: t('apiKeys.state'),
      key: 'state',
      render: (_: unknown, k) => {
        const s = stateOf(k);
        return <Tag color={s === 'active' ? 'green' : s === 'expired' ? 'default' : 'red'} data-testid={`api-key-state-${k.name}`}>{t(`apiKeys.states.${s}`)}</Tag>;
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, k) =>
        k.revokedAt ? null : (
          <Button
            size="small"
            danger
            data-testid={`api-key-revoke-${k.name}`}
            onClick={() =>
              modal.confirm({
                title: t('apiKeys.revokeConfirm', { name: k.name }),
                okText: t('common.confirm'),
                cancelText: t('common.cancel'),
                okButtonProps: { 'data-testid': 'confirm-ok', danger: true },
                onOk: () => revoke.mutateAsync(k).catch(() => undefined),
              })
            }
          >
            {t('apiKeys.revoke')}
          </Button>
        ),
    },
  ];

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('apiKeys.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
          {t('apiKeys.create')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('apiKeys.hint')}</Typography.Paragraph>
      <ErrorAlert error={error} />
      <Table<JudicialKey> rowKey="id" loading={isFetching && data.length === 0} columns={columns} dataSource={data} data-testid="api-keys-table" scroll={{ x: 'max-content' }} pagination={{ pageSize: 50, hideOnSinglePage: true }} />
      <Modal
        open={creating}
        title={t('apiKeys.create')}
        onCancel={() => setCreating(false)}
        confirmLoading={create.isPending}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ 'data-testid': 'api-key-create-submit' }}
        onOk={() => void form.validateFields().then((v) => create.mutate(v)).catch(() => undefined)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ scopes: ['lookup:number'], expiresAt: dayjs().add(90, 'day') }}>
          <Form.Item name="userId" label={t('apiKeys.holder')} rules={[{ required: true, message: t('apiKeys.holderRequired') }]} extra={t('apiKeys.holderHint')}>
            <Select
              data-testid="api-key-holder"
              options={(holders?.items ?? []).filter((u) => u.role === 'judicial').map((u) => ({ value: u.id, label: `${u.displayName} (${u.username})` }))}
            />
          </Form.Item>
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true, whitespace: true, max: 200, message: t('apiKeys.nameRequired') }]}>
            <Input data-testid="api-key-name" maxLength={200} />
          </Form.Item>
          <Form.Item name="scopes" label={t('apiKeys.scope')} rules={[{ required: true, type: 'array', min: 1, message: t('apiKeys.scopeRequired') }]}>
            <Checkbox.Group options={SCOPES.map((s) => ({ value: s, label: t(`apiKeys.scopes.${s.replace(':', '_')}`) }))} />
          </Form.Item>
          <Form.Item name="expiresAt" label={t('apiKeys.expiresAt')} rules={[{ required: true }]} extra={t('apiKeys.expiryHint')}>
            <DatePicker data-testid="api-key-expires" disabledDate={(d) => d.isBefore(dayjs(), 'day') || d.isAfter(dayjs().add(365, 'day'))} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={secret !== null} title={t('apiKeys.secretTitle')} onOk={() => setSecret(null)} onCancel={() => setSecret(null)} okText={t('common.confirm')} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon title={t('apiKeys.secretOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable={{ text: secret?.token ?? '' }} code data-testid="api-key-secret">
          {secret?.token}
        </Typography.Paragraph>
        <Typography.Text type="secondary">{t('apiKeys.expiresAt')}: {formatDateTime(secret?.expiresAt)}</Typography.Text>
      </Modal>
    </div>
  );
}
