import { Avatar, Button, Dropdown, Layout, Menu, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { UserOutlined } from '@ant-design/icons';
import { Suspense } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { logout } from '../api/endpoints';
import { useSession } from '../session';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationBell } from './NotificationBell';
import { FullPageSpin } from './FullPageSpin';

export default function AppLayout() {
  const { t } = useTranslation();
  const { data: session } = useSession();
  const user = session?.user;
  const location = useLocation();
  const navigate = useNavigate();
  const qc = useQueryClient();

  if (!user) return null;
  const role = user.role;
  const forced = user.mustChangePassword;

  const nav: { key: string; to: string; label: string; testId: string }[] = [];
  if (role === 'creator') {
    nav.push({ key: '/works', to: '/works', label: t('nav.myWorks'), testId: 'nav-works' });
    nav.push({ key: '/works/new', to: '/works/new', label: t('nav.newWork'), testId: 'nav-new-work' });
    nav.push({ key: '/imports', to: '/imports', label: t('nav.imports'), testId: 'nav-imports' });
  }
  if (role === 'reviewer' || role === 'admin') {
    nav.push({ key: '/review', to: '/review', label: t('nav.review'), testId: 'nav-review' });
  }
  nav.push({ key: '/aigc/label', to: '/aigc/label', label: t('nav.aigcLabel'), testId: 'nav-aigc-label' });
  if (role === 'admin') {
    nav.push({ key: '/admin/users', to: '/admin/users', label: t('nav.adminUsers'), testId: 'nav-admin-users' });
    nav.push({ key: '/admin/api-keys', to: '/admin/api-keys', label: t('nav.adminApiKeys'), testId: 'nav-admin-api-keys' });
  }
  // The most specific nav entry matching the current path is highlighted.
  const selected = nav
    .filter((n) => location.pathname === n.key || location.pathname.startsWith(n.key + '/'))
    .sort((a, b) => b.key.length - a.key.length)[0];
  const menuItems: MenuProps['items'] = forced
    ? []
    : nav.map((n) => ({
        key: n.key,
        label: (
          <Link to={n.to} data-testid={n.testId}>
            {n.label}
          </Link>
        ),
      }));

  const doLogout = async () => {
    try {
      await logout();
    } catch {
      // signed out anyway from the client's point of view
    }
    qc.clear();
    navigate('/login', { replace: true });
  };

  const userMenu: MenuProps['items'] = [
    ...(forced
      ? []
      : [
          { key: 'profile', label: <span data-testid="menu-profile">{t('nav.profile')}</span> },
          { key: 'notifications', label: <span data-testid="menu-notifications">{t('nav.notifications')}</span> },
        ]),
    { key: 'password', label: <span data-testid="menu-change-password">{t('nav.changePassword')}</span> },
    { type: 'divider' as const },
    { key: 'logout', label: <span data-testid="menu-logout">{t('nav.logout')}</span>, danger: true },
  ];
  const onUserMenu: MenuProps['onClick'] = ({ key }) => {
    if (key === 'profile') navigate('/profile');
    else if (key === 'notifications') navigate('/notifications');
    else if (key === 'password') navigate('/change-password');
    else if (key === 'logout') void doLogout();
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header className="cws-header">
        <Link to="/" className="cws-brand" data-testid="institution-name">
          {session?.institution ? `${session.institution} · ` : ''}
          {t('app.name')}
        </Link>
        <Menu
          className="cws-header-menu"
          theme="dark"
          mode="horizontal"
          selectedKeys={selected ? [selected.key] : []}
          items={menuItems}
          data-testid="main-nav"
        />
        <div className="cws-header-right">
          {!forced && <NotificationBell />}
          <LanguageSwitch dark />
          <Dropdown menu={{ items: userMenu, onClick: onUserMenu }} trigger={['click']} placement="bottomRight">
            <Button type="text" data-testid="user-menu" style={{ color: '#fff' }} aria-label={t('nav.userMenu')}>
              <Avatar size="small" icon={<UserOutlined />} style={{ marginRight: 6 }} />
              <span data-testid="current-user">{user.displayName || user.username}</span>
              <Typography.Text style={{ color: 'rgba(255,255,255,0.65)', marginLeft: 6 }} data-testid="current-role">
                {t(`role.${role}`)}
              </Typography.Text>
            </Button>
          </Dropdown>
        </div>
      </Layout.Header>
      <Layout.Content className="cws-content">
        <Suspense fallback={<FullPageSpin />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: 'center', color: '#888' }}>{t('app.footer')}</Layout.Footer>
    </Layout>
  );
}
