import { Button, Result } from 'antd';
import { Navigate, Outlet, useLocation } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import type { Role } from '../api/types';
import { useSession } from '../session';
import { errorText } from '../lib/errors';
import { FullPageSpin } from './FullPageSpin';

export function RequireAuth() {
  const { data, isLoading, error, refetch } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (isLoading) return <FullPageSpin />;
  if (error || !data) {
    return (
      <Result
        status="error"
        title={t('errors.sessionFailed')}
        subTitle={errorText(error, t)}
        extra={
          <Button type="primary" onClick={() => void refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  }
  if (data.setupRequired) return <Navigate to="/setup" replace />;
  if (!data.user) {
    const next = location.pathname + location.search;
    return <Navigate to={next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login'} replace />;
  }
  if (data.user.mustChangePassword && location.pathname !== '/change-password') {
    return <Navigate to="/change-password" replace />;
  }
  return <Outlet />;
}

export function RequireRole({ roles }: { roles: Role[] }) {
  const { data } = useSession();
  const { t } = useTranslation();
  const role = data?.user?.role;
  if (!role || !roles.includes(role)) {
    return <Result status="403" title="403" subTitle={t('errors.FORBIDDEN')} data-testid="forbidden" />;
  }
  return <Outlet />;
}
