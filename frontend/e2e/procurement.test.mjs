// The procurement story: community staff design and publish a project, two organizations submit
// sealed bids (neither sees the other's), the app's clock passes the deadline, the bids are
// opened, the bureau puts community staff and an expert (picked from the list of experts it may
// assign) on the panel, both score (the expert finds the project under 我的评审), the bureau
// awards, signs the contract and — after the organization reports with an evidence file and the
// community accepts the milestone, having downloaded the file — records a payment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, assertInputsLabelled, launchBrowser, openPage, screenshot, startApp, uiLogin } from './harness.mjs';
import { ORGANIZATIONS, PASSWORD, seedWorld } from './fixtures.mjs';

let app;
let browser;
let world;
const pages = {};
let projectPath;
// A small real PDF: the server decides an evidence file's type by its bytes.
const EVIDENCE = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  world = await seedWorld(app);
  for (const [key, login] of [
    ['community', 'community'],
    ['bureau', 'bureau'],
    ['expert', 'expert'],
    ['orgA', ORGANIZATIONS.a.admin.username],
    ['orgB', ORGANIZATIONS.b.admin.username],
  ]) {
    pages[key] = await openPage(browser, app, DESKTOP);
    await uiLogin(pages[key], login, PASSWORD);
  }
});

after(async () => {
  for (const s of Object.values(pages)) await s.close();
  await browser?.close();
  await app?.stop();
});

async function pickOption(page, label, search, option) {
  const input = page.getByLabel(label, { exact: true });
  // The selected value covers the search input: click through it to open the list.
  await input.click({ force: true });
  if (search) await input.fill(search);
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

/** Type a date (and time) into an antd DatePicker and confirm it. */
async function typeDate(page, label, text) {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(text);
  await input.press('Enter');
}

async function setLocale(session, locale) {
  await session.page.evaluate((l) => window.localStorage.setItem('mm.locale', l), locale);
  await session.page.reload();
}

function ymd(date) {
  return date.toISOString().slice(0, 10);
}

test('community staff design a project in the wizard, with live validation of the weights, and submit it', async () => {
  const { page } = pages.community;
  await pages.community.go('/app/projects/new');
  await page.getByLabel('项目名称').fill('解放路社区居家养老服务项目');
  await pickOption(page, '所属社区', '解放路', '解放路社区');
  await page.getByLabel('项目说明').fill('为社区内独居、空巢老人提供上门探访、助餐和健康讲座服务。');
  await page.getByRole('button', { name: '下一步' }).click();
  await pickOption(page, '服务类别', null, '为老服务');
  await page.getByLabel('服务对象').fill('独居老人');
  await page.getByLabel('服务对象').press('Enter');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click(); // needs
  await pickOption(page, '采购方式', null, '竞争性磋商');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByLabel('预算上限（元）').fill('300000');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '下一步' }).click(); // requirements
  // Live validation: a price weight under 10% is refused before anything is sent.
  await page.getByLabel('价格分权重（%）').fill('5');
  await page.getByTestId('weights-total').getByText('价格分权重不得低于 10%').waitFor();
  await page.getByLabel('价格分权重（%）').fill('30');
  await page.getByTestId('weights-total').getByText('合计 100%').waitFor();
  await assertInputsLabelled(page);
  await screenshot(page, 'community-staff-project-wizard');
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByRole('button', { name: '提交审批' }).click();
  await page.getByTestId('project-detail').waitFor();
  await page.getByText('待审批').first().waitFor();
  projectPath = new URL(page.url()).pathname;
  await pages.community.assertClean();
});

test('the bureau approves it from the approval queue and community staff publish it', async () => {
  const bureau = pages.bureau.page;
  await pages.bureau.go('/app/approvals');
  await bureau.getByRole('link', { name: '解放路社区居家养老服务项目' }).click();
  await bureau.getByRole('button', { name: '批准立项' }).click();
  await bureau.getByText('已批准').waitFor();
  await pages.bureau.assertClean();

  const { page } = pages.community;
  await pages.community.go(projectPath);
  await page.getByRole('button', { name: '发布招标' }).click();
  const deadline = new Date(Date.now() + 3 * 86400_000 + 8 * 3600_000);
  await typeDate(page, '投标截止', `${ymd(deadline)} 10:00`);
  await page.getByRole('button', { name: /确\s*认/ }).click();
  await page.getByText('已发布招标公告').waitFor();
  await page.getByTestId('countdown').waitFor();
  await pages.community.go('/app/pipeline');
  await page.getByText('招标中').first().waitFor();
  await screenshot(page, 'community-staff-home');
  await pages.community.assertClean();
});

test('two organizations submit sealed bids and neither can see the other’s', async () => {
  for (const [key, price, proposal] of [
    ['orgA', '280000', '组建 3 人社工团队，每周上门探访两次，联合社区志愿者开展助餐服务。'],
    ['orgB', '260000', '以社区食堂为依托开展助餐，每月一次健康讲座。'],
  ]) {
    const s = pages[key];
    await s.go('/app/open-projects');
    await s.page.getByRole('link', { name: '解放路社区居家养老服务项目' }).click();
    await s.page.getByTestId('bid-panel').waitFor();
    await s.page.getByTestId('bid-panel').getByTestId('countdown').waitFor();
    await s.page.getByLabel('投标报价（元）').fill(price);
    await s.page.getByLabel('技术方案').fill(proposal);
    await assertInputsLabelled(s.page);
    if (key === 'orgA') await screenshot(s.page, 'org-admin-bid');
    await s.page.getByRole('button', { name: '递交投标' }).click();
    await s.page.getByText('投标已递交（开标前密封，其他人不可见）').waitFor();
    await s.page.getByRole('button', { name: '更新投标' }).waitFor();
    await s.assertClean();
  }
  // Organization A's list of bids holds its own bid only.
  const a = pages.orgA;
  await a.go('/app/bids');
  await a.page.getByRole('cell', { name: ORGANIZATIONS.a.name }).waitFor();
  assert.equal(await a.page.getByText(ORGANIZATIONS.b.name).count(), 0);
  await screenshot(a.page, 'org-admin-home');
  // And so does the API behind it, for the same session; community staff see no bid at all.
  const tokenA = await app.login(ORGANIZATIONS.a.admin.username, PASSWORD);
  const seen = await app.gql('{ bids(first: 10) { nodes { organizationName priceFen } } }', {}, tokenA);
  assert.deepEqual(
    seen.bids.nodes.map((b) => b.organizationName),
    [ORGANIZATIONS.a.name],
  );
  const tokenStaff = await app.login('community', PASSWORD);
  const staffSees = await app.gql('{ bids(first: 10) { nodes { priceFen } } }', {}, tokenStaff);
  assert.equal(staffSees.bids.nodes.length, 0);
  await a.assertClean();
});

test('after the deadline the bids are opened, community staff score them and the bureau awards', async () => {
  await app.advanceClock(4 * 86400);
  const bureau = pages.bureau;
  // The opening job runs at the deadline; wait for it (bounded).
  for (let i = 0; i < 20; i += 1) {
    await bureau.go(projectPath);
    await bureau.page.getByTestId('project-detail').waitFor();
    if ((await bureau.page.getByText('已开标').count()) > 0) break;
    await bureau.page.waitForTimeout(500);
  }
  await bureau.page.getByTestId('evaluation-sheet').waitFor();
  await bureau.page.getByLabel('评审人账户 ID').fill(world.accounts.community.id);
  await bureau.page.getByRole('button', { name: '指定评审人', exact: true }).click();
  await bureau.page.getByText('已指定评审人').waitFor();
  // The expert is picked from the list of experts the officer may assign: found by name, shown
  // with the masked phone, and gone from the list once on the panel.
  const expertOption = `${world.accounts.expert.displayName}（139****0009）`;
  await pickOption(bureau.page, '评审专家', '孙', expertOption);
  await assertInputsLabelled(bureau.page);
  await screenshot(bureau.page, 'bureau-officer-evaluator-picker');
  await bureau.page.getByRole('button', { name: '指定该专家' }).click();
  const tokenBureau = await app.login('bureau', PASSWORD);
  const panel = async () =>
    (
      await app.gql(
        'query($id: ID!) { node(id: $id) { ... on Project { evaluators { accountId } } } }',
        { id: decodeURIComponent(projectPath.split('/').pop()) },
        tokenBureau,
      )
    ).node.evaluators.map((e) => e.accountId);
  for (let i = 0; i < 20 && (await panel()).length < 2; i += 1) await bureau.page.waitForTimeout(250);
  assert.deepEqual((await panel()).sort(), [world.accounts.community.id, world.accounts.expert.id].sort());
  // The sheet names the panel.
  const panelNames = bureau.page.getByTestId('evaluation-panel');
  await panelNames.getByText(world.accounts.community.displayName, { exact: true }).waitFor();
  await panelNames.getByText(world.accounts.expert.displayName, { exact: true }).waitFor();
  await bureau.page.getByLabel('评审专家', { exact: true }).click({ force: true });
  await bureau.page.locator('.ant-select-dropdown:visible').getByText('没有可指定的评审专家', { exact: false }).waitFor();
  await bureau.page.keyboard.press('Escape');
  await bureau.assertClean();

  const staff = pages.community;
  await staff.go(projectPath);
  await staff.page.getByTestId('evaluation-sheet').waitFor();
  for (const [org, scores] of [
    [ORGANIZATIONS.a.name, ['38', '28']],
    [ORGANIZATIONS.b.name, ['25', '20']],
  ]) {
    await staff.page.getByLabel(`${org} 服务方案`).fill(scores[0]);
    await staff.page.getByLabel(`${org} 团队与经验`).fill(scores[1]);
  }
  await staff.page.getByRole('button', { name: '保存评分' }).click();
  await staff.page.getByText(/已保存 4 项评分/).waitFor();
  // The sheet ranks the bids by the formula as soon as the scores are in: A first.
  await staff.page.getByTestId('evaluation-sheet').locator('tbody tr.ant-table-row').first().getByText(ORGANIZATIONS.a.name).waitFor();
  await assertInputsLabelled(staff.page);
  await screenshot(staff.page, 'community-staff-evaluation-sheet');
  await staff.assertClean();

  // The expert the bureau picked scores too: the award waits for every evaluator. They find
  // the project from their menu (我的评审), which lists the panels they sit on.
  const expert = pages.expert;
  await expert.go('/app');
  await expert.page.getByRole('menu').getByRole('link', { name: '我的评审', exact: true }).click();
  await expert.page.getByTestId('my-evaluations').waitFor();
  const intoSheet = expert.page.getByRole('link', { name: '进入评标：解放路社区居家养老服务项目', exact: true });
  await intoSheet.waitFor();
  await screenshot(expert.page, 'expert-my-evaluations');
  await intoSheet.click();
  await expert.page.getByTestId('evaluation-sheet').waitFor();
  assert.equal(new URL(expert.page.url()).pathname, projectPath);
  for (const [org, scores] of [
    [ORGANIZATIONS.a.name, ['36', '27']],
    [ORGANIZATIONS.b.name, ['26', '21']],
  ]) {
    await expert.page.getByLabel(`${org} 服务方案`).fill(scores[0]);
    await expert.page.getByLabel(`${org} 团队与经验`).fill(scores[1]);
  }
  await expert.page.getByRole('button', { name: '保存评分' }).click();
  await expert.page.getByText(/已保存 4 项评分/).waitFor();
  await expert.assertClean();

  await bureau.page.reload();
  await bureau.page.getByRole('button', { name: '确认定标' }).click();
  await bureau.page
    .getByRole('button', { name: /确\s*认/ })
    .last()
    .click();
  await bureau.page.getByTestId('award').getByText(ORGANIZATIONS.a.name).waitFor();
  await bureau.assertClean();
});

test('the bureau signs the contract and records a payment once the milestone is accepted', async () => {
  const bureau = pages.bureau;
  await bureau.go(projectPath);
  await bureau.page.getByTestId('create-contract').waitFor();
  await bureau.page.getByTestId('create-contract').getByRole('button', { name: '签订合同' }).click();
  await bureau.page.getByTestId('contract').waitFor();

  const org = pages.orgA;
  // The optional beneficiary list (docs/oversight.md) in English first, then the report itself.
  await org.go('/app/contracts');
  await setLocale(org, 'en-US');
  await org.page.getByRole('button', { name: 'Submit progress report' }).first().click();
  await org.page.getByLabel('People served').fill('120');
  await org.page.getByRole('button', { name: 'Add a beneficiary' }).click();
  await org.page.getByLabel('Name 1').fill('Wang Xiulan');
  await org.page.getByLabel('Phone').fill('13800138000');
  await org.page
    .getByTestId('beneficiary-count')
    .getByText(/^1 listed/)
    .waitFor();
  await assertInputsLabelled(org.page);
  await screenshot(org.page, 'organization-progress-report-beneficiaries-en');
  await org.page.getByRole('button', { name: /Cancel/ }).click();
  await setLocale(org, 'zh-CN');
  await org.page.getByRole('button', { name: '提交进展报告' }).first().click();
  await org.page.getByLabel('工作进展').fill('完成上门探访 120 人次，开展助餐服务 30 次。');
  await org.page.locator('input[type=file]').setInputFiles({ name: '探访签到表.pdf', mimeType: 'application/pdf', buffer: EVIDENCE });
  await org.page.getByLabel('服务人数').fill('120');
  await org.page.getByRole('button', { name: '添加受益人' }).click();
  await org.page.getByLabel('姓名 1').fill('王秀兰');
  await org.page.getByLabel('手机号').fill('13800138000');
  await org.page
    .getByTestId('beneficiary-count')
    .getByText(/^名单 1 人/)
    .waitFor();
  await screenshot(org.page, 'organization-progress-report-beneficiaries');
  await org.page
    .getByRole('button', { name: /提\s*交/ })
    .last()
    .click();
  await org.page.getByText('报告已提交').waitFor();
  await org.assertClean();

  const staff = pages.community;
  await staff.go('/app/contracts');
  await staff.page
    .getByRole('button', { name: /展开行|Expand row/ })
    .first()
    .click();
  // The report lists its evidence file with its size; the link downloads the very bytes.
  const link = staff.page.getByRole('link', { name: '下载 探访签到表.pdf' });
  await link.waitFor();
  await staff.page.getByTestId('evidence-files').getByText(`（${EVIDENCE.length} B）`).waitFor();
  // The report shows how many people it lists by name beside the number it claims.
  await staff.page.getByText(/名单人数 1/).waitFor();
  const href = await link.getAttribute('href');
  assert.match(href, /^\/files\/\d+$/);
  const fileUrl = new URL(href, staff.page.url()).href;
  const download = await staff.page.request.get(fileUrl);
  assert.equal(download.status(), 200);
  assert.deepEqual(Buffer.from(await download.body()), EVIDENCE);
  await screenshot(staff.page, 'community-staff-progress-report-evidence');
  // Organization B may not read A's contract: neither the link's file nor the report.
  const foreign = await pages.orgB.page.request.get(fileUrl);
  assert.equal(foreign.status(), 404);
  await staff.page.getByRole('button', { name: '验收通过' }).click();
  await staff.page.getByText('已验收').first().waitFor();
  await staff.assertClean();

  // Payments fall inside the contract period and never in the future: move the app's clock
  // ten days into the period first.
  await bureau.go('/app/contracts');
  const period = await bureau.page
    .getByTestId('contract')
    .getByText(/\d{4}-\d{2}-\d{2} ~/)
    .first()
    .textContent();
  const paidOn = new Date(`${period.trim().slice(0, 10)}T04:00:00Z`);
  paidOn.setUTCDate(paidOn.getUTCDate() + 10);
  await app.advanceClock(Math.ceil((paidOn.getTime() - (await app.now()).getTime()) / 1000));
  // Weeks have passed: the session has expired, so the officer logs in again.
  await uiLogin(bureau, 'bureau', PASSWORD);
  await bureau.go('/app/contracts');
  await bureau.page.getByRole('button', { name: '登记付款' }).first().click();
  await typeDate(bureau.page, '付款日期', ymd(paidOn));
  await bureau.page.getByLabel('凭证号').fill('LX-2026-0001');
  await bureau.page
    .getByRole('button', { name: /提\s*交/ })
    .last()
    .click();
  await bureau.page.getByText('付款已登记').waitFor();
  await bureau.page.getByText('已付款').first().waitFor();
  await screenshot(bureau.page, 'bureau-officer-home');
  await bureau.assertClean();
});
