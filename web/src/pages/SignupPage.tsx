import { Button, Form, Input, Result, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { signup } from '../api/endpoints';
import { PublicLayout } from '../components/PublicLayout';
import { ErrorAlert } from '../components/ErrorAlert';
import { FullPageSpin } from '../components/FullPageSpin';
import { useSession, useSignedIn } from '../session';
import { useServerFieldErrors } from '../lib/useServerFieldErrors';

interface SignupValues {
  username: string;
  displayName: string;
  password: string;
  confirm: string;
  realName?: string;
  campusId?: string;
  unit?: string;
  email?: string;
}

export default function SignupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [form] = Form.useForm<SignupValues>();
  const { data: session, isLoading } = useSession();
  const signedIn = useSignedIn();
  const applyServerErrors = useServerFieldErrors(form);
  const m = useMutation({
    mutationFn: ({ confirm: _confirm, ...body }: SignupValues) => signup(body),
    onSuccess: (a) => {
      signedIn(a);
      navigate('/', { replace: true });
    },
    onError: applyServerErrors,
  });

  if (isLoading) return <FullPageSpin />;
  if (session?.setupRequired) return <Navigate to="/setup" replace />;
  if (session?.user && !m.isPending) return <Navigate to="/" replace />;
  if (session && !session.signupAllowed) {
    return (
      <PublicLayout title={t('signup.title')}>
        <Result status="info" title={t('signup.closed')} extra={<Link to="/login">{t('signup.toLogin')}</Link>} />
      </PublicLayout>
    );
  }

  const req = { required: true, message: t('validation.required') };
  return (
    <PublicLayout title={t('signup.title')}>
      <ErrorAlert error={m.error} testId="signup-error" />
      <Form form={form} layout="vertical" onFinish={(v) => m.mutate(v)}>
        <Form.Item name="username" label={t('fields.username')} rules={[req, { pattern: /^[a-z0-9._-]{2,64}$/, message: t('validation.username') }]}>
          <Input autoComplete="username" data-testid="signup-username" />
        </Form.Item>
        <Form.Item name="displayName" label={t('fields.displayName')} rules={[req]}>
          <Input data-testid="signup-display-name" />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')} rules={[req, { min: 8, message: t('validation.passwordMin') }]}>
          <Input.Password autoComplete="new-password" data-testid="signup-password" />
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
          <Input.Password autoComplete="new-password" data-testid="signup-confirm" />
        </Form.Item>
        <Typography.Text type="secondary">{t('signup.realNameHint')}</Typography.Text>
        <Form.Item name="realName" label={t('fields.realName')} style={{ marginTop: 8 }}>
          <Input data-testid="signup-real-name" />
        </Form.Item>
        <Form.Item name="campusId" label={t('fields.campusId')}>
          <Input data-testid="signup-campus-id" />
        </Form.Item>
        <Form.Item name="unit" label={t('fields.unit')}>
          <Input data-testid="signup-unit" />
        </Form.Item>
        <Form.Item name="email" label={t('fields.email')} rules={[{ type: 'email', message: t('validation.email') }]}>
          <Input data-testid="signup-email" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={m.isPending} data-testid="signup-submit">
          {t('signup.submit')}
        </Button>
      </Form>
      <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
        <Link to="/login">{t('signup.toLogin')}</Link>
      </Typography.Paragraph>
    </PublicLayout>
  );
}
