// The oversight story on the demo data (`matchmaker seed`, scale small): the city auditor logs in
// and sees the headline figures and open findings on the workbench, opens 资金总览, drills into
// 历下区 and one of its streets, then opens 审计发现, reads a finding's evidence and confirms it
// with a note (the note is required first). The findings come from the audit scan; when the
// demo data has none yet the journey runs the scan with 立即扫描 and waits for its findings.
// Each screen is photographed in Chinese and English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { App, FRONTEND, REPO, launchBrowser, openPage, screenshot, uiLogin, assertInputsLabelled } from './harness.mjs';

// Its own directory, so it can run beside the other files' app (which uses var/e2e/).
const VAR = join(REPO, 'var', 'e2e-oversight');
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

async function setLocale(session, locale) {
  await session.page.evaluate((l) => window.localStorage.setItem('mm.locale', l), locale);
  await session.page.reload();
}

/** Wait until a chart has drawn (ECharts is loaded lazily, then renders SVG). */
async function chartDrawn(page, testId) {
  await page.getByTestId(testId).locator('svg').first().waitFor();
}

before(async () => {
  app = await startSeededApp();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

test('the auditor reads the spending overview, drills into a district and confirms a finding with a note', async () => {
  const s = await openPage(browser, app);
  const { page } = s;
  await uiLogin(s, AUDITOR.login, AUDITOR.password);

  // Workbench: the headline figures and the open findings, with links.
  await s.go('/app');
  const workbench = page.getByTestId('oversight-workbench');
  await workbench.getByTestId('headline-figures').waitFor();
  assert.match(await workbench.getByTestId('fig-contracted').textContent(), /^¥[\d,]+\.\d\d$/);
  await workbench.getByTestId('open-findings-card').getByText('待处理发现').waitFor();
  await screenshot(page, 'auditor-workbench');

  // 资金总览 from the workbench: figures, charts, ranking of the city's districts.
  await workbench.getByRole('link', { name: '查看资金总览' }).click();
  await page.waitForURL((url) => url.pathname === '/app/spending');
  await page.getByTestId('headline-figures').waitFor();
  await page.getByText('每服务小时成本').waitFor();
  await page.getByText('集中度 HHI').waitFor();
  await chartDrawn(page, 'chart-trend');
  await chartDrawn(page, 'chart-category');
  await chartDrawn(page, 'chart-funding');
  const ocds = page.getByTestId('ocds-download');
  assert.equal(await ocds.getAttribute('href'), '/ocds/release-package.json');
  const pkg = await fetch(`${app.base}/ocds/release-package.json`);
  assert.equal(pkg.status, 200, 'the OCDS package the button links to is served');
  await assertInputsLabelled(page);
  const cityContracted = await page.getByTestId('fig-contracted').first().textContent();
  await screenshot(page, 'auditor-spending-overview');

  // Drill down: 历下区, then its first street.
  const ranking = page.getByTestId('region-ranking');
  await ranking.getByRole('button', { name: '历下区' }).click();
  await page.waitForURL((url) => url.searchParams.has('region'));
  await page.locator('.ant-breadcrumb').getByText('历下区').waitFor();
  await page.waitForFunction((before) => document.querySelector('[data-testid="fig-contracted"]')?.textContent !== before, cityContracted);
  await ranking.locator('tbody tr.ant-table-row').first().waitFor();
  await ranking.scrollIntoViewIfNeeded();
  await screenshot(page, 'auditor-spending-district');
  const street = await ranking.locator('tbody tr.ant-table-row').first().getByRole('button').textContent();
  assert.match(street, /街道|镇/, 'a district ranks its streets');
  await ranking.locator('tbody tr.ant-table-row').first().getByRole('button').click();
  await page.locator('.ant-breadcrumb').getByText(street).waitFor();
  // Back to the city through the breadcrumb.
  await page.locator('.ant-breadcrumb').getByText('全部辖区').click();
  await page.waitForURL((url) => !url.searchParams.has('region'));

  // 审计发现: the queue of open findings, highest priority first.
  await page.getByTestId('spending-overview').getByRole('link', { name: '审计发现' }).click();
  await page.waitForURL((url) => url.pathname === '/app/findings');
  const table = page.getByTestId('findings-table');
  const hasRows = async () => (await table.count()) > 0 && (await table.locator('tbody tr.ant-table-row').count()) > 0;
  await page.locator('[data-testid="findings-table"], .ant-empty').first().waitFor();
  if (!(await hasRows())) {
    // No findings in the demo data yet: run the scan and wait for the job to raise them.
    await page.getByRole('button', { name: '立即扫描' }).click();
    await page.getByText('已提交扫描任务').waitFor();
    const deadline = Date.now() + 60_000;
    while (!(await hasRows())) {
      assert.ok(Date.now() < deadline, 'the scan raised no finding in 60 s');
      await page.waitForTimeout(1000);
      await page.reload();
      await page.locator('[data-testid="findings-table"], .ant-empty').first().waitFor();
    }
  }
  const priorities = await table.locator('tbody tr.ant-table-row td:nth-child(6)').allTextContents();
  const numbers = priorities.map(Number);
  assert.deepEqual(
    numbers,
    [...numbers].sort((a, b) => b - a),
    'highest priority first',
  );
  await assertInputsLabelled(page);
  await screenshot(page, 'auditor-findings');

  // Open the first finding: its evidence, then confirm it (a note first).
  const first = table.locator('tbody tr.ant-table-row').first();
  const subject = await first.locator('td:nth-child(3)').textContent();
  await first.getByRole('button', { name: /查看/ }).click();
  const detail = page.getByTestId('finding-detail');
  await detail.waitFor();
  await detail.getByTestId('finding-evidence').waitFor();
  assert.ok((await detail.getByTestId('finding-evidence').locator('tr').count()) > 0, 'the evidence is listed');
  await detail.getByRole('button', { name: /确认问题/ }).click();
  await detail.getByText('请填写核查说明').waitFor();
  await screenshot(page, 'auditor-finding-detail');
  await detail.getByLabel('核查说明').fill('已核对开标记录：仅一家有效投标，已要求街道说明情况。');
  await detail.getByRole('button', { name: /确认问题/ }).click();
  await page.getByText('已处理：已确认').waitFor();
  await detail.getByText('已核对开标记录').waitFor();
  await page.keyboard.press('Escape');
  await table.locator('tbody tr.ant-table-row', { hasText: subject }).first().getByText('已确认').waitFor();

  // The decision is on the server: the confirmed filter lists it.
  await s.go('/app/findings?status=CONFIRMED');
  await table.locator('tbody tr.ant-table-row', { hasText: subject }).first().waitFor();

  // The same screens in English.
  await setLocale(s, 'en-US');
  await s.go('/app');
  await page.getByTestId('oversight-workbench').getByText('Open findings').waitFor();
  await screenshot(page, 'auditor-workbench-en');
  await s.go('/app/spending');
  await page.getByText('Cost per service hour').waitFor();
  await chartDrawn(page, 'chart-category');
  await screenshot(page, 'auditor-spending-overview-en');
  await page.getByTestId('region-ranking').getByRole('button', { name: '历下区' }).click();
  await page.locator('.ant-breadcrumb').getByText('历下区').waitFor();
  await page.getByTestId('region-ranking').locator('tbody tr.ant-table-row').first().waitFor();
  await page.getByTestId('region-ranking').scrollIntoViewIfNeeded();
  await screenshot(page, 'auditor-spending-district-en');
  await s.go('/app/findings?status=ALL');
  await table.locator('tbody tr.ant-table-row').first().waitFor();
  await screenshot(page, 'auditor-findings-en');
  await s.go('/app/findings');
  await table.locator('tbody tr.ant-table-row').first().getByRole('button', { name: /Open/ }).click();
  await page.getByTestId('finding-detail').getByText('Evidence', { exact: true }).waitFor();
  await screenshot(page, 'auditor-finding-detail-en');

  await s.assertClean();
  await s.close();
});

test('the bureau officer sees the figures and the findings but neither scans nor decides', async () => {
  const s = await openPage(browser, app);
  const { page } = s;
  await uiLogin(s, 'bureau', AUDITOR.password);
  await s.go('/app');
  const workbench = page.getByTestId('oversight-workbench');
  await workbench.getByTestId('headline-figures').waitFor();
  await workbench.getByTestId('open-findings-card').getByText('待处理发现').waitFor();
  await screenshot(page, 'bureau-officer-oversight-workbench');
  await workbench.getByRole('link', { name: '处理审计发现' }).click();
  await page.waitForURL((url) => url.pathname === '/app/findings');
  const table = page.getByTestId('findings-table');
  await table.locator('tbody tr.ant-table-row').first().waitFor();
  assert.equal(await page.getByRole('button', { name: '立即扫描' }).count(), 0, 'only auditors run the scan');
  await table.locator('tbody tr.ant-table-row').first().getByRole('button', { name: /查看/ }).click();
  await page.getByTestId('finding-evidence').waitFor();
  assert.equal(await page.getByLabel('核查说明').count(), 0, 'only auditors decide');
  await s.assertClean();
  await s.close();
});
