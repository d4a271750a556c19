import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { I18nProvider, useI18n } from './i18n';
import { SessionProvider } from './auth/session';
import { AppLayout } from './shell/AppLayout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LoginPage } from './pages/common/LoginPage';
import { RequireLogin } from './pages/common/RequireLogin';
import { NotFoundPage } from './pages/common/NotFoundPage';
import { WorkbenchPage } from './pages/common/WorkbenchPage';
import { AccountPage } from './pages/common/AccountPage';
import { PublicHomePage } from './pages/public/PublicHomePage';
import { AccountsPage } from './pages/admin/AccountsPage';
import { RegionsPage } from './pages/admin/RegionsPage';
import { JobsPage } from './pages/admin/JobsPage';
import { AuditLogPage } from './pages/auditor/AuditLogPage';

function Routed() {
  return (
    <AppLayout>
      <Routes>
        <Route path="/" element={<PublicHomePage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/app" element={<RequireLogin><WorkbenchPage /></RequireLogin>} />
        <Route path="/app/account" element={<RequireLogin><AccountPage /></RequireLogin>} />
        <Route path="/app/admin/accounts" element={<RequireLogin roles={['PLATFORM_ADMIN']}><AccountsPage /></RequireLogin>} />
        <Route path="/app/admin/regions" element={<RequireLogin roles={['PLATFORM_ADMIN']}><RegionsPage /></RequireLogin>} />
        <Route path="/app/admin/jobs" element={<RequireLogin roles={['PLATFORM_ADMIN']}><JobsPage /></RequireLogin>} />
        <Route path="/app/audit" element={<RequireLogin roles={['AUDITOR', 'PLATFORM_ADMIN']}><AuditLogPage /></RequireLogin>} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
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
