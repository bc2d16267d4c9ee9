import { App, Button, Card, Descriptions, Form, Input, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { getProfile, updateProfile } from '../api/endpoints';
import type { ProfilePatch } from '../api/endpoints';
import type { Session, User } from '../api/types';
import { ErrorAlert } from '../components/ErrorAlert';
import { FullPageSpin } from '../components/FullPageSpin';
import { formatDateTime } from '../lib/format';
import { useServerFieldErrors } from '../lib/useServerFieldErrors';
import { SESSION_KEY } from '../session';

export default function ProfilePage() {
  const { data: user, isLoading, error } = useQuery({ queryKey: ['profile'], queryFn: getProfile });
  if (isLoading) return <FullPageSpin />;
  if (error || !user) return <ErrorAlert error={error} />;
  return <ProfileForm user={user} key={user.id} />;
}

function ProfileForm({ user }: { user: User }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<ProfilePatch>();
  const applyServerErrors = useServerFieldErrors(form);
  const m = useMutation({
    mutationFn: (v: ProfilePatch) => updateProfile(v),
    onSuccess: (u) => {
      qc.setQueryData(['profile'], u);
      qc.setQueryData<Session>(SESSION_KEY, (old) => (old ? { ...old, user: u } : old));
      void message.success(t('profile.saved'));
    },
    onError: applyServerErrors,
  });
  return (
    <div style={{ maxWidth: 720 }}>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('profile.title')}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Descriptions
          size="small"
          column={1}
          items={[
            { key: 'u', label: t('fields.username'), children: <span data-testid="profile-username">{user.username}</span> },
            { key: 'r', label: t('fields.role'), children: t(`role.${user.role}`) },
            { key: 'c', label: t('fields.createdAt'), children: formatDateTime(user.createdAt) },
          ]}
        />
      </Card>
      <Card title={t('profile.realName')}>
        <Typography.Paragraph type="secondary">{t('profile.realNameHint')}</Typography.Paragraph>
        <ErrorAlert error={m.error} testId="profile-error" />
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            displayName: user.displayName,
            realName: user.realName ?? '',
            campusId: user.campusId ?? '',
            unit: user.unit ?? '',
            email: user.email ?? '',
          }}
          onFinish={(v) => m.mutate(v)}
        >
          <Form.Item name="displayName" label={t('fields.displayName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
            <Input data-testid="profile-display-name" />
          </Form.Item>
          <Form.Item name="realName" label={t('fields.realName')}>
            <Input data-testid="profile-real-name" />
          </Form.Item>
          <Form.Item name="campusId" label={t('fields.campusId')}>
            <Input data-testid="profile-campus-id" />
          </Form.Item>
          <Form.Item name="unit" label={t('fields.unit')}>
            <Input data-testid="profile-unit" />
          </Form.Item>
          <Form.Item name="email" label={t('fields.email')} rules={[{ type: 'email', message: t('validation.email') }]}>
            <Input data-testid="profile-email" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={m.isPending} data-testid="profile-save">
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
