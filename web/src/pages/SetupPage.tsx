import { Alert, Button, Form, Input } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { setup } from '../api/endpoints';
import { PublicLayout } from '../components/PublicLayout';
import { ErrorAlert } from '../components/ErrorAlert';
import { FullPageSpin } from '../components/FullPageSpin';
import { useSession, useSignedIn } from '../session';
import { useServerFieldErrors } from '../lib/useServerFieldErrors';

interface SetupValues {
  token: string;
  username: string;
  displayName: string;
  password: string;
  confirm: string;
}

export default function SetupPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [form] = Form.useForm<SetupValues>();
  const { data: session, isLoading } = useSession();
  const signedIn = useSignedIn();
  const applyServerErrors = useServerFieldErrors(form);
  const m = useMutation({
    mutationFn: ({ confirm: _confirm, ...body }: SetupValues) => setup(body),
    onSuccess: (a) => {
      signedIn(a);
      navigate('/', { replace: true });
    },
    onError: applyServerErrors,
  });

  if (isLoading) return <FullPageSpin />;
  if (session && !session.setupRequired && !m.isPending && !m.isSuccess) return <Navigate to={session.user ? '/' : '/login'} replace />;

  const req = { required: true, message: t('validation.required') };
  return (
    <PublicLayout title={t('setup.title')}>
      <Alert type="info" showIcon title={t('setup.intro')} style={{ marginBottom: 16 }} />
      <ErrorAlert error={m.error} testId="setup-error" />
      <Form form={form} layout="vertical" initialValues={{ token: params.get('token') ?? '' }} onFinish={(v) => m.mutate(v)}>
        <Form.Item name="token" label={t('setup.token')} rules={[req]} extra={t('setup.tokenHelp')}>
          <Input data-testid="setup-token" />
        </Form.Item>
        <Form.Item name="username" label={t('fields.username')} rules={[req]}>
          <Input autoComplete="username" data-testid="setup-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('fields.displayName')} rules={[req]}>
          <Input data-testid="setup-display-name" />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')} rules={[req, { min: 8, message: t('validation.passwordMin') }]}>
          <Input.Password autoComplete="new-password" data-testid="setup-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('fields.confirmPassword')}
          dependencies={['password']}
          rules={[
            req,
            ({ getFieldValue }) => ({
              validator: (_r, v) => (!v || v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('validation.passwordMismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="setup-confirm" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={m.isPending} data-testid="setup-submit">
          {t('setup.submit')}
        </Button>
      </Form>
    </PublicLayout>
  );
}
