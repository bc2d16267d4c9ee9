import { Button, Form, Input, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { login } from '../api/endpoints';
import { PublicLayout } from '../components/PublicLayout';
import { ErrorAlert } from '../components/ErrorAlert';
import { FullPageSpin } from '../components/FullPageSpin';
import { useSession, useSignedIn } from '../session';

/** Only same-site paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { data: session, isLoading } = useSession();
  const signedIn = useSignedIn();
  const next = safeNext(params.get('next'));
  const m = useMutation({
    mutationFn: login,
    onSuccess: (a) => {
      signedIn(a);
      navigate(a.user.mustChangePassword ? '/change-password' : next, { replace: true });
    },
  });

  if (isLoading) return <FullPageSpin />;
  if (session?.setupRequired) return <Navigate to="/setup" replace />;
  if (session?.user && !m.isPending) return <Navigate to={next} replace />;

  return (
    <PublicLayout title={t('login.title')}>
      <ErrorAlert error={m.error} testId="login-error" />
      <Form layout="vertical" onFinish={(v: { username: string; password: string }) => m.mutate(v)} requiredMark={false}>
        <Form.Item name="username" label={t('fields.username')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input autoComplete="username" data-testid="login-username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('fields.password')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password autoComplete="current-password" data-testid="login-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={m.isPending} data-testid="login-submit">
          {t('login.submit')}
        </Button>
      </Form>
      {session?.signupAllowed && (
        <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0, textAlign: 'center' }}>
          {t('login.noAccount')} <Link to="/signup" data-testid="login-to-signup">{t('login.toSignup')}</Link>
        </Typography.Paragraph>
      )}
    </PublicLayout>
  );
}
