// End-to-end harness: the real app (`matchmaker serve`, MATCHMAKER_ENV=test) on a fresh SQLite
// database under var/e2e/, driven by Debian's Chromium through playwright-core. Any browser
// console error or uncaught page error fails the test that caused it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO = resolve(FRONTEND, '..');
export const SCREENSHOTS = join(REPO, 'docs', 'screenshots');
// MATCHMAKER_E2E_VAR_DIR gives a run its own database and files (two runs at once on one checkout).
const VAR = process.env.MATCHMAKER_E2E_VAR_DIR || join(REPO, 'var', 'e2e');
const BIN = join(REPO, '.venv', 'bin', 'matchmaker');
export const ADMIN = { login: 'e2e-admin', password: 'E2e-admin-pass-2026' };

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

async function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function runCli(env, args) {
  const result = spawnSync(BIN, args, { cwd: REPO, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`matchmaker ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

export class App {
  constructor(port, proc, log) {
    this.port = port;
    this.proc = proc;
    this.log = log;
    this.base = `http://127.0.0.1:${port}`;
  }

  /** GraphQL as an API client (Bearer token), for setting up data the test is not about. */
  async gql(query, variables = {}, token = null) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${this.base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = await res.json();
    if (body.errors) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}\n${query}`);
    return body.data;
  }

  /** Run a mutation whose payload has `errors`; fail loudly when it has any. */
  async mutate(field, query, variables, token) {
    const data = await this.gql(query, variables, token);
    const payload = data[field];
    if (payload.errors && payload.errors.length) throw new Error(`${field}: ${JSON.stringify(payload.errors)}`);
    return payload;
  }

  async login(login, password) {
    const data = await this.mutate(
      'login',
      'mutation($input: LoginInput!) { login(input: $input) { token errors { code field message } } }',
      { input: { login, password } },
    );
    return data.token;
  }

  /** Move the app's clock (never the machine's). */
  async advanceClock(seconds) {
    const res = await fetch(`${this.base}/__test__/clock`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ advance_seconds: seconds }),
    });
    return (await res.json()).now;
  }

  /** The app's current time (it may have been moved). */
  async now() {
    const res = await fetch(`${this.base}/__test__/clock`);
    return new Date((await res.json()).now);
  }

  async stop() {
    if (this.proc.exitCode === null) {
      this.proc.kill('SIGTERM');
      await new Promise((ok) => {
        const timer = setTimeout(() => {
          this.proc.kill('SIGKILL');
          ok();
        }, 5000);
        this.proc.on('exit', () => {
          clearTimeout(timer);
          ok();
        });
      });
    }
  }
}

/** Fresh database, migrate, create the platform admin, serve on a free port. */
export async function startApp() {
  if (!existsSync(join(FRONTEND, 'dist', 'index.html'))) {
    throw new Error('frontend/dist is missing: run `npm run build` first');
  }
  rmSync(VAR, { recursive: true, force: true });
  mkdirSync(VAR, { recursive: true });
  const port = await freePort();
  const env = {
    ...process.env,
    // The repo's own code, whatever the virtualenv's editable install points at.
    PYTHONPATH: join(REPO, 'src'),
    MATCHMAKER_ENV: 'test',
    MATCHMAKER_TEST_CLOCK: '1', // serve /__test__/clock (only allowed with MATCHMAKER_ENV=test)
    MATCHMAKER_VAR_DIR: VAR,
    MATCHMAKER_DATABASE_URL: `sqlite:///${join(VAR, 'e2e.db')}`,
    MATCHMAKER_SECRET_KEY: 'e2e-secret-key-0123456789abcdefghijklmnop',
    MATCHMAKER_BIND: `127.0.0.1:${port}`,
    MATCHMAKER_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MATCHMAKER_LOG_LEVEL: 'WARNING',
  };
  delete env.MATCHMAKER_REDIS_URL;
  runCli(env, ['migrate']);
  runCli(env, ['create-admin', '--username', ADMIN.login, '--password', ADMIN.password, '--name', '平台管理员']);
  const log = [];
  const proc = spawn(BIN, ['serve'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => log.push(String(d)));
  proc.stderr.on('data', (d) => log.push(String(d)));
  const app = new App(port, proc, log);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`matchmaker serve exited:\n${log.join('')}`);
    try {
      const res = await fetch(`${app.base}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await app.stop();
      throw new Error(`matchmaker serve did not come up in 30 s:\n${log.join('')}`);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return app;
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run \`make browser\``);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const DESKTOP = { width: 1366, height: 860 };
export const PHONE = { width: 375, height: 812 };

/**
 * A fresh browser context (own cookies) at `viewport`. `problems` collects console errors and
 * page errors; call `assertClean()` at the end of a test.
 */
export async function openPage(browser, app, viewport = DESKTOP) {
  const context = await browser.newContext({
    viewport,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
    isMobile: viewport.width < 500,
    hasTouch: viewport.width < 500,
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.setDefaultTimeout(15_000);
  const base = app.base;
  return {
    page,
    context,
    problems,
    go: (path) => page.goto(`${base}${path}`),
    async assertClean() {
      if (problems.length) throw new Error(`browser console errors:\n${problems.join('\n')}`);
    },
    async close() {
      await context.close();
    },
  };
}

/** Log in through the login page. */
export async function uiLogin(session, login, password) {
  const { page } = session;
  await session.go('/login');
  await page.getByLabel('手机号或用户名').fill(login);
  await page.getByLabel('密码').fill(password);
  await page
    .locator('form#login')
    .getByRole('button', { name: /登\s*录/ })
    .click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let fonts and antd's motion settle so the picture is stable.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/**
 * Basic accessibility: every visible input, select and textarea on the page has a label (a
 * <label>, aria-label, aria-labelledby or title). Fails with the offending elements.
 */
export async function assertInputsLabelled(page) {
  const unlabelled = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('input, select, textarea')) {
      if (el.type === 'hidden' || el.closest('[aria-hidden="true"]')) continue;
      const rect = el.getBoundingClientRect();
      const box = el.closest('.ant-checkbox-wrapper, .ant-radio-wrapper, .ant-segmented-item');
      if (!box && rect.width === 0 && rect.height === 0) continue;
      const labelled =
        (el.labels && el.labels.length > 0) ||
        el.getAttribute('aria-label') ||
        el.getAttribute('aria-labelledby') ||
        el.getAttribute('title');
      if (!labelled) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
  });
  if (unlabelled.length) throw new Error(`inputs without a label:\n${unlabelled.join('\n')}`);
}
