import { lazy, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { QueryCache, QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api/client';
import { SESSION_KEY } from './session';
import { RequireAuth, RequireRole } from './components/guards';
import { FullPageSpin } from './components/FullPageSpin';
import AppLayout from './components/AppLayout';
import HomeRedirect from './components/HomeRedirect';

const LoginPage = lazy(() => import('./pages/LoginPage'));
const SignupPage = lazy(() => import('./pages/SignupPage'));
const SetupPage = lazy(() => import('./pages/SetupPage'));
const VerifyPage = lazy(() => import('./pages/VerifyPage'));
const AdminApiKeysPage = lazy(() => import('./pages/AdminApiKeysPage'));
const WorksListPage = lazy(() => import('./pages/WorksListPage'));
const WorkFormPage = lazy(() => import('./pages/WorkFormPage'));
const WorkDetailPage = lazy(() => import('./pages/WorkDetailPage'));
const ReviewQueuePage = lazy(() => import('./pages/ReviewQueuePage'));
const ImportPage = lazy(() => import('./pages/ImportPage'));
const NotificationsPage = lazy(() => import('./pages/NotificationsPage'));
const ProfilePage = lazy(() => import('./pages/ProfilePage'));
const ChangePasswordPage = lazy(() => import('./pages/ChangePasswordPage'));
const AdminUsersPage = lazy(() => import('./pages/AdminUsersPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));
const AigcCheckPage = lazy(() => import('./pages/AigcCheckPage'));
const AigcLabelPage = lazy(() => import('./pages/AigcLabelPage'));

function makeQueryClient(): QueryClient {
  const qc: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (err, query) => {
        // A 401 anywhere means the session ended: re-read it so the guards send us to /login.
        if (err instanceof ApiError && err.status === 401 && query.queryKey[0] !== 'session') {
          void qc.invalidateQueries({ queryKey: SESSION_KEY });
        }
      },
    }),
    defaultOptions: {
      queries: {
        refetchOnWindowFocus: false,
        retry: (count, err) => {
          if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
          return count < 2;
        },
      },
      mutations: { retry: false },
    },
  });
  return qc;
}

function LocalizedShell() {
  const { i18n } = useTranslation();
  const qc = useQueryClient();
  const lang = i18n.language;
  useEffect(() => {
    dayjs.locale(lang === 'en' ? 'en' : 'zh-cn');
    document.title = i18n.t('app.name');
  }, [lang, i18n]);
  useEffect(() => {
    const onChange = () => {
      // Server messages (errors, notifications) are localized: fetch them again in the new language.
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'meta' });
    };
    i18n.on('languageChanged', onChange);
    return () => i18n.off('languageChanged', onChange);
  }, [i18n, qc]);

  return (
    <ConfigProvider locale={lang === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1f5fbf' } }} button={{ autoInsertSpace: false }}>
      <AntApp>
        <BrowserRouter>
          <Suspense fallback={<FullPageSpin />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route path="/signup" element={<SignupPage />} />
              <Route path="/setup" element={<SetupPage />} />
              <Route path="/aigc/check" element={<AigcCheckPage />} />
              <Route path="/verify" element={<VerifyPage />} />
              <Route path="/verify/:number" element={<VerifyPage />} />
              <Route element={<RequireAuth />}>
                <Route element={<AppLayout />}>
                  <Route index element={<HomeRedirect />} />
                  <Route path="works" element={<WorksListPage />} />
                  <Route path="works/new" element={<WorkFormPage />} />
                  <Route path="works/:id" element={<WorkDetailPage />} />
                  <Route path="works/:id/edit" element={<WorkFormPage />} />
                  <Route path="imports" element={<ImportPage />} />
                  <Route path="aigc/label" element={<AigcLabelPage />} />
                  <Route path="notifications" element={<NotificationsPage />} />
                  <Route path="profile" element={<ProfilePage />} />
                  <Route path="change-password" element={<ChangePasswordPage />} />
                  <Route element={<RequireRole roles={['reviewer', 'admin']} />}>
                    <Route path="review" element={<ReviewQueuePage />} />
                    <Route path="review/:id" element={<WorkDetailPage />} />
                  </Route>
                  <Route element={<RequireRole roles={['admin']} />}>
                    <Route path="admin/users" element={<AdminUsersPage />} />
                    <Route path="admin/api-keys" element={<AdminApiKeysPage />} />
                  </Route>
                  <Route path="*" element={<NotFoundPage />} />
                </Route>
              </Route>
            </Routes>
          </Suspense>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

export default function App() {
  const [qc] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={qc}>
      <LocalizedShell />
    </QueryClientProvider>
  );
}
