// The evidence chain and the .xlsx exports on the demo data (`matchmaker seed`, scale small):
// the city auditor opens 资金总览, downloads the spending and project-list workbooks, opens the
// largest project's 证据链 from the projects behind the figures and downloads it, then opens a
// finding that names a project and follows its link to the same page. Photographed in Chinese
// and English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { App, FRONTEND, REPO, launchBrowser, openPage, screenshot, uiLogin, assertInputsLabelled } from './harness.mjs';

// Its own directory, so it can run beside the other files' app (which uses var/e2e/).
const VAR = join(REPO, 'var', 'e2e-evidence');
const BIN = join(REPO, '.venv', 'bin', 'matchmaker');
const AUDITOR = { login: 'auditor', password: 'demo-pass-2026' };

let app;
let browser;

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

/** Like harness.startApp, but the database is the demo data (seeding needs an empty database). */
async function startSeededApp() {
  if (!existsSync(join(FRONTEND, 'dist', 'index.html'))) throw new Error('frontend/dist is missing: run `npm run build` first');
  rmSync(VAR, { recursive: true, force: true });
  mkdirSync(VAR, { recursive: true });
  const port = await freePort();
  const env = {
    ...process.env,
    PYTHONPATH: join(REPO, 'src'),
    MATCHMAKER_ENV: 'test',
    MATCHMAKER_TEST_CLOCK: '1',
    MATCHMAKER_VAR_DIR: VAR,
    MATCHMAKER_DATABASE_URL: `sqlite:///${join(VAR, 'e2e.db')}`,
    MATCHMAKER_SECRET_KEY: 'e2e-secret-key-0123456789abcdefghijklmnop',
    MATCHMAKER_BIND: `127.0.0.1:${port}`,
    MATCHMAKER_PUBLIC_URL: `http://127.0.0.1:${port}`,
    MATCHMAKER_LOG_LEVEL: 'WARNING',
  };
  delete env.MATCHMAKER_REDIS_URL;
  for (const args of [['migrate'], ['seed', '--scale', 'small', '--quiet']]) {
    const result = spawnSync(BIN, args, { cwd: REPO, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`matchmaker ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  const log = [];
  const proc = spawn(BIN, ['serve'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d) => log.push(String(d)));
  proc.stderr.on('data', (d) => log.push(String(d)));
  const started = new App(port, proc, log);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`matchmaker serve exited:\n${log.join('')}`);
    try {
      if ((await fetch(`${started.base}/healthz`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await started.stop();
      throw new Error(`matchmaker serve did not come up in 30 s:\n${log.join('')}`);
    }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  return started;
}

before(async () => {
  app = await startSeededApp();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

/** Click an export button and read the downloaded workbook's first bytes (an .xlsx is a zip). */
async function downloadExport(page, testId) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const name = download.suggestedFilename();
  const path = await download.path();
  const bytes = readFileSync(path);
  return { name, bytes };
}

test('the auditor opens a project evidence chain from the spending drill-down and a finding, and downloads the exports', async () => {
  const s = await openPage(browser, app);
  const { page } = s;
  await uiLogin(s, AUDITOR.login, AUDITOR.password);

  // 资金总览 → the projects behind the figures (largest contract first) → 证据链.
  await s.go('/app/spending');
  const behind = page.getByTestId('projects-behind');
  await behind.locator('tbody tr.ant-table-row').first().waitFor();
  const spending = await downloadExport(page, 'export-spending');
  assert.match(spending.name, /^资金总览-.*\.xlsx$/);
  assert.equal(spending.bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx (zip) file');
  const projects = await downloadExport(page, 'export-projects');
  assert.match(projects.name, /^项目清单-.*\.xlsx$/);
  const first = behind.locator('tbody tr.ant-table-row').first().getByRole('link');
  const title = await first.textContent();
  await first.click();
  await page.waitForURL((url) => url.pathname.startsWith('/app/evidence/'));
  const chain = page.getByTestId('evidence-chain');
  await chain.getByText(`证据链：${title}`).waitFor();
  assert.match(await chain.getByTestId('chain-paid').textContent(), /^¥[\d,]+\.\d\d$/);
  await chain.getByTestId('chain-payments').waitFor();
  await chain.getByTestId('chain-hours').waitFor();
  await assertInputsLabelled(page);
  await screenshot(page, 'auditor-evidence-chain');
  const evidence = await downloadExport(page, 'export-evidence');
  assert.match(evidence.name, /^证据链-\d+-.*\.xlsx$/);
  assert.equal(evidence.bytes.subarray(0, 2).toString(), 'PK');

  // From a finding that names a project: its title, and a link to the chain.
  await s.go('/app/findings?status=ALL');
  const table = page.getByTestId('findings-table');
  await table.locator('tbody tr.ant-table-row').first().waitFor();
  const findings = await downloadExport(page, 'export-findings');
  assert.match(findings.name, /^审计发现-.*\.xlsx$/);
  const rows = table.locator('tbody tr.ant-table-row');
  const count = await rows.count();
  let opened = false;
  for (let i = 0; i < count && !opened; i += 1) {
    await rows.nth(i).getByRole('button', { name: /查看/ }).click();
    const detail = page.getByTestId('finding-detail');
    await detail.waitFor();
    if ((await detail.getByTestId('finding-projects').count()) > 0) {
      await screenshot(page, 'auditor-finding-projects');
      await detail
        .getByTestId('finding-projects')
        .getByRole('link', { name: /查看证据链/ })
        .first()
        .click();
      await page.waitForURL((url) => url.pathname.startsWith('/app/evidence/'));
      await page
        .getByTestId('evidence-chain')
        .getByText(/^证据链：/)
        .waitFor();
      opened = true;
    } else {
      await page.keyboard.press('Escape');
    }
  }
  assert.ok(opened, 'a finding links to the evidence chain of its project');

  // The same chain in English.
  await page.evaluate(() => window.localStorage.setItem('mm.locale', 'en-US'));
  await page.reload();
  await page
    .getByTestId('evidence-chain')
    .getByText(/^Evidence chain: /)
    .waitFor();
  await page.getByTestId('chain-hours').getByText('Activities and hours').waitFor();
  await screenshot(page, 'auditor-evidence-chain-en');

  await s.assertClean();
  await s.close();
});
