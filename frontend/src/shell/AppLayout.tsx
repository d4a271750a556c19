import { useState, type ReactNode } from 'react';
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography } from 'antd';
import { LogoutOutlined, MenuOutlined, UserOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import { LanguageSwitch } from './LanguageSwitch';
import { RoleSwitch } from './RoleSwitch';
import { NotificationBell } from './NotificationBell';
import { NAV, PUBLIC_NAV, type NavItem } from './nav';
import { ErrorBoundary } from '../components/ErrorBoundary';

const { Header, Sider, Content, Footer } = Layout;

function selectedKey(items: NavItem[], pathname: string): string[] {
  // The longest menu path that prefixes the current location.
  const match = [...items]
    .filter((i) => pathname === i.path || pathname.startsWith(`${i.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return match ? [match.path] : [];
}

export function AppLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { me, activeGrant, logout } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const desktop = Boolean(screens.lg);
  const [drawerOpen, setDrawerOpen] = useState(false);

  const items: NavItem[] = me && activeGrant ? NAV[activeGrant.role] : PUBLIC_NAV;
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selectedKey(items, location.pathname)}
      items={items.map((i) => ({ key: i.path, label: <Link to={i.path}>{t(i.label)}</Link> }))}
      onClick={() => setDrawerOpen(false)}
      style={{ borderInlineEnd: 0 }}
    />
  );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a className="skip-link" href="#main">
        {t('shell.skipToContent')}
      </a>
      <Header className="mm-header">
        {!desktop && (
          <Button
            type="text"
            aria-label={t('shell.menu')}
            icon={<MenuOutlined />}
            onClick={() => setDrawerOpen(true)}
            className="mm-header-button"
          />
        )}
        <Link to={me ? '/app' : '/'} className="mm-brand">
          {t('app.name')}
        </Link>
        <div style={{ flex: 1 }} />
        <Space size={desktop ? 'middle' : 'small'} wrap={false}>
          {desktop && <RoleSwitch />}
          {me && <NotificationBell />}
          <LanguageSwitch />
          {me ? (
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'account', icon: <UserOutlined />, label: t('shell.account') },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout') },
                ],
                onClick: async ({ key }) => {
                  if (key === 'account') navigate('/app/account');
                  if (key === 'logout') {
                    await logout();
                    navigate('/login');
                  }
                },
              }}
            >
              <Button type="text" className="mm-header-button" data-testid="user-menu" icon={<UserOutlined />}>
                {desktop ? me.displayName : null}
              </Button>
            </Dropdown>
          ) : location.pathname === '/login' ? null : (
            <Button type="primary" size="small" onClick={() => navigate('/login')}>
              {t('shell.login')}
            </Button>
          )}
        </Space>
      </Header>
      <Layout>
        {desktop && (
          <Sider width={220} theme="light" className="mm-sider">
            <nav aria-label={t('shell.menu')}>{menu}</nav>
          </Sider>
        )}
        {!desktop && (
          <Drawer placement="left" open={drawerOpen} onClose={() => setDrawerOpen(false)} width={260} title={t('app.name')}>
            <div style={{ marginBottom: 12 }}>
              <RoleSwitch />
            </div>
            <nav aria-label={t('shell.menu')}>{menu}</nav>
          </Drawer>
        )}
        <Content id="main" tabIndex={-1} className="mm-content">
          <ErrorBoundary resetKey={location.pathname}>{children}</ErrorBoundary>
        </Content>
      </Layout>
      <Footer style={{ textAlign: 'center' }}>
        <Typography.Text type="secondary">{t('app.tagline')}</Typography.Text>
      </Footer>
    </Layout>
  );
}
