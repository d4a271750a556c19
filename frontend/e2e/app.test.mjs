import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, DESKTOP, PHONE, launchBrowser, openPage, screenshot, startApp, uiLogin } from './harness.mjs';
import { PASSWORD, seedWorld } from './fixtures.mjs';

let app;
let browser;
let world;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  world = await seedWorld(app);
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

describe('shell', () => {
  test('the public home page shows the service areas without login', async () => {
    const s = await openPage(browser, app);
    try {
      await s.go('/');
      await s.page.getByTestId('public-home').waitFor();
      await s.page.getByText('济南市').first().waitFor();
      await screenshot(s.page, 'public-home');
      await s.assertClean();
    } finally {
      await s.close();
    }
  });

  test('a wrong password shows the catalogue message next to the password and stays on the login page', async () => {
    const s = await openPage(browser, app);
    try {
      await s.go('/login');
      await s.page.getByLabel('手机号或用户名').fill(ADMIN.login);
      await s.page.getByLabel('密码').fill('not-the-password');
      await s.page
        .locator('form#login')
        .getByRole('button', { name: /登\s*录/ })
        .click();
      await s.page.locator('#login_password_help').getByText('账号或密码错误').waitFor();
      assert.equal(new URL(s.page.url()).pathname, '/login');
      await s.assertClean();
    } finally {
      await s.close();
    }
  });

  test('the platform admin logs in, sees the accounts, switches language and logs out', async () => {
    const s = await openPage(browser, app);
    try {
      await uiLogin(s, ADMIN.login, ADMIN.password);
      await s.page.getByTestId('workbench-PLATFORM_ADMIN').waitFor();
      await screenshot(s.page, 'platform-admin-home');
      await s.page.getByRole('link', { name: '账户管理' }).first().click();
      await s.page.getByRole('cell', { name: '李主任' }).waitFor();
      // Language switch to English and back.
      await s.page.getByTestId('language-switch').click();
      await s.page.getByTitle('English').click();
      await s.page.getByRole('heading', { name: 'Accounts' }).waitFor();
      await s.page.getByTestId('language-switch').click();
      await s.page.getByTitle('中文').click();
      await s.page.getByRole('heading', { name: '账户管理' }).waitFor();
      await s.page.getByTestId('user-menu').click();
      await s.page.getByText('退出登录').click();
      await s.page.waitForURL((url) => url.pathname === '/login');
      await s.go('/app');
      await s.page.waitForURL((url) => url.pathname === '/login');
      await s.assertClean();
    } finally {
      await s.close();
    }
  });

  test('a social worker also becomes a volunteer and switches between the two roles', async () => {
    const s = await openPage(browser, app);
    try {
      await uiLogin(s, 'worker', PASSWORD);
      await s.page.getByTestId('workbench-SOCIAL_WORKER').waitFor();
      await s.go('/register');
      await s.page.getByLabel('真实姓名').fill('陈社工');
      await s.page.getByLabel('身份证号').fill('440308200001011234');
      const home = s.page.getByLabel('居住社区', { exact: true });
      await home.click({ force: true });
      await home.fill('千佛山');
      await s.page.locator('.ant-select-dropdown:visible .ant-select-item-option[title="千佛山社区"]').click();
      await s.page.getByRole('button', { name: '成为志愿者' }).click();
      await s.page.getByTestId('workbench-VOLUNTEER').waitFor();
      await s.page.getByTestId('role-switch').click();
      await s.page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '社会工作者' }).click();
      await s.page.getByTestId('workbench-SOCIAL_WORKER').waitFor();
      await s.assertClean();
    } finally {
      await s.close();
    }
  });

  test('the auditor verifies the audit chain', async () => {
    const s = await openPage(browser, app);
    try {
      await uiLogin(s, 'auditor', PASSWORD);
      await s.page.getByTestId('workbench-AUDITOR').waitFor();
      await screenshot(s.page, 'auditor-home');
      await s.go('/app/audit');
      await s.page.getByRole('button', { name: '校验哈希链' }).click();
      await s.page.getByText(/审计链完整/).waitFor();
      await s.assertClean();
    } finally {
      await s.close();
    }
  });

  test('each role lands on its workbench (desktop) and the volunteer view fits 375 px', async () => {
    for (const person of [
      world.accounts.bureau,
      world.accounts.community,
      { username: 'worker', role: 'SOCIAL_WORKER' },
      { username: 'orga', role: 'ORG_ADMIN' },
    ]) {
      const s = await openPage(browser, app, DESKTOP);
      try {
        await uiLogin(s, person.username, PASSWORD);
        await s.page.getByTestId(`workbench-${person.role}`).waitFor();
        await screenshot(s.page, `${person.role.toLowerCase().replace('_', '-')}-workbench`);
        await s.assertClean();
      } finally {
        await s.close();
      }
    }
    const s = await openPage(browser, app, PHONE);
    try {
      await s.go('/');
      await s.page.getByTestId('public-home').waitFor();
      const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
      await screenshot(s.page, 'public-home-phone');
      await s.assertClean();
    } finally {
      await s.close();
    }
  });
});
