import { Suspense, type ReactNode } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { App as AntApp, ConfigProvider, Skeleton } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { I18nProvider, useI18n } from './i18n';
import { SessionProvider } from './auth/session';
import { AppLayout } from './shell/AppLayout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { RequireLogin } from './pages/common/RequireLogin';
import { ROUTES, type Access } from './shell/routes';

/** Shown while a page's code is being fetched (each page is its own chunk: `shell/routes.tsx`). */
function PageLoading() {
  const { t } = useI18n();
  return (
    <div role="status" aria-label={t('common.loading')}>
      <Skeleton active paragraph={{ rows: 6 }} />
    </div>
  );
}

function guarded(access: Access, element: ReactNode): ReactNode {
  if (access === 'public') return element;
  return <RequireLogin roles={access === 'signedIn' ? undefined : [...access]}>{element}</RequireLogin>;
}

function Routed() {
  return (
    <AppLayout>
      <Suspense fallback={<PageLoading />}>
        <Routes>
          {ROUTES.map((route) => (
            <Route key={route.path} path={route.path} element={guarded(route.access, route.element)} />
          ))}
        </Routes>
      </Suspense>
    </AppLayout>
  );
}

function Themed() {
  const { locale } = useI18n();
  return (
    <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#c41d1d', borderRadius: 6 } }}>
      <AntApp>
        <ErrorBoundary>
          <SessionProvider>
            <BrowserRouter>
              <Routed />
            </BrowserRouter>
          </SessionProvider>
        </ErrorBoundary>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}
