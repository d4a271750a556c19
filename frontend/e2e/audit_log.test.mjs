// The audit log in people's words, on the demo data (`matchmaker seed`, scale small): community
// staff 张丽 records a need and the auditor 李静 confirms a finding (through the API); then the
// auditor opens 审计日志 and reads who did what, in which region, to which subject — names, roles,
// phrases and region names, never account numbers, action codes or region paths —, filters by
// action and by actor, and opens a change to see before and after side by side with the changed
// fields marked. Photographed in Chinese and English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { App, FRONTEND, REPO, launchBrowser, openPage, screenshot, uiLogin, assertInputsLabelled } from './harness.mjs';

// Its own directory, so it can run beside the other files' apps.
const VAR = join(REPO, 'var', 'e2e-audit-log');
const BIN = join(REPO, '.venv', 'bin', 'matchmaker');
const PASSWORD = 'demo-pass-2026';

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

/** No cell of the log shows a bare action code, an account number or a region path. */
async function assertInPeoplesWords(page) {
  const cells = await page.locator('.ant-table-tbody td').allTextContents();
  assert.ok(cells.length > 0);
  for (const text of cells) {
    assert.doesNotMatch(text.trim(), /^[a-z_]+(\.[a-z_]+)+$/, `an action code is shown: ${text}`);
    assert.doesNotMatch(text, /\/\d{12}\//, `a region path is shown: ${text}`);
    assert.doesNotMatch(text.trim(), /^\d+$/, `a bare number is shown: ${text}`);
  }
}

test('the auditor reads the audit log in words, filters it and opens a change side by side', async () => {
  // Two writes by people: a need recorded by community staff, a finding confirmed by the auditor.
  const staff = await app.login('community', PASSWORD);
  const community = (await app.gql('query { regionByCode(code: "370102001001") { id } }', {}, staff)).regionByCode;
  await app.mutate(
    'recordNeed',
    'mutation($i: RecordNeedInput!) { recordNeed(input: $i) { errors { code field message } } }',
    {
      i: { regionId: community.id, category: 'ELDERLY', targetGroup: '独居老人', description: '独居老人需要每周探访', peopleAffected: 12 },
    },
    staff,
  );
  const auditorToken = await app.login('auditor', PASSWORD);
  const open = await app.gql('query { findings(first: 1, status: OPEN) { nodes { id } } }', {}, auditorToken);
  assert.ok(open.findings.nodes.length > 0, 'the demo data has an open finding');
  await app.mutate(
    'decideFinding',
    'mutation($i: DecideFindingInput!) { decideFinding(input: $i) { errors { code field message } } }',
    { i: { findingId: open.findings.nodes[0].id, decision: 'CONFIRM', note: '已核实：单一有效投标，需复查采购方式。' } },
    auditorToken,
  );

  const s = await openPage(browser, app);
  const { page } = s;
  await uiLogin(s, 'auditor', PASSWORD);
  await s.go('/app/audit');
  const rows = page.locator('.ant-table-tbody tr.ant-table-row');
  await rows.first().waitFor();
  // The newest rows: the auditor's own login and decision, the staff's need.
  const decided = rows.filter({ hasText: '处理了审计发现' }).first();
  await decided.getByText('李静').waitFor();
  await decided.getByText('审计监督').waitFor();
  const need = rows.filter({ hasText: '登记了服务需求' }).first();
  await need.getByText('张丽').waitFor();
  await need.getByText('社区工作者').waitFor();
  await need.getByText('朝山街社区').waitFor();
  await assertInPeoplesWords(page);
  await assertInputsLabelled(page);
  await screenshot(page, 'auditor-audit-log');

  // Filter by action: only needs are left.
  await page.getByRole('combobox', { name: '操作', exact: true }).click();
  await page.keyboard.type('登记了服务需求');
  await page.locator('.ant-select-item-option', { hasText: '登记了服务需求' }).click();
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('.ant-table-tbody tr.ant-table-row')].map((r) => r.textContent ?? '');
    return texts.length > 0 && texts.every((t) => t.includes('登记了服务需求'));
  });
  await page.getByRole('button', { name: '清除筛选' }).click();

  // Filter by actor: clicking the auditor's name leaves only the auditor's actions.
  await rows.filter({ hasText: '处理了审计发现' }).first().getByRole('button', { name: '李静' }).click();
  await page.getByText('操作人：李静').waitFor();
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('.ant-table-tbody tr.ant-table-row')].map((r) => r.textContent ?? '');
    return texts.length > 0 && texts.every((t) => t.includes('李静'));
  });

  // Open the decision: before and after side by side, the status marked as changed.
  await rows.filter({ hasText: '处理了审计发现' }).first().getByRole('button', { name: '查看变更' }).click();
  const drawer = page.locator('.ant-drawer-content');
  await drawer.getByText('变更详情').waitFor();
  await drawer.getByRole('columnheader', { name: '变更前' }).waitFor();
  await drawer.getByRole('columnheader', { name: '变更后' }).waitFor();
  const status = drawer.locator('tr[data-changed="true"]', { hasText: 'status' });
  await status.getByText('OPEN').waitFor();
  await status.getByText('CONFIRMED').waitFor();
  await screenshot(page, 'auditor-audit-log-change');

  // English.
  await page.evaluate(() => window.localStorage.setItem('mm.locale', 'en-US'));
  await page.reload();
  await rows.first().waitFor();
  await rows.filter({ hasText: 'decided on a finding' }).first().getByText('Auditor').waitFor();
  await assertInPeoplesWords(page);
  await screenshot(page, 'auditor-audit-log-en');
  await rows.filter({ hasText: 'decided on a finding' }).first().getByRole('button', { name: 'View change' }).click();
  await drawer.getByText('Change details').waitFor();
  await drawer.locator('tr[data-changed="true"]', { hasText: 'status' }).waitFor();
  await screenshot(page, 'auditor-audit-log-change-en');
  await s.assertClean();
  await s.close();
});
