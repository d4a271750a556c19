// The workbench's 待办 cards (docs/workbench.md): community staff see the needs they recorded
// counted and open the list behind the card; the bureau officer and the platform admin see
// their own cards. Photographed in Chinese and English, and the staff's cards at 375 px.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, DESKTOP, PHONE, launchBrowser, openPage, screenshot, startApp, uiLogin } from './harness.mjs';
import { PASSWORD, seedWorld } from './fixtures.mjs';

let app;
let browser;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  await seedWorld(app);
  const staff = await app.login('community', PASSWORD);
  const community = (await app.gql('query { regionByCode(code: "370102001001") { id } }', {}, staff)).regionByCode;
  for (const description of ['独居老人需要每周探访', '双职工家庭放学后托管']) {
    await app.mutate(
      'recordNeed',
      'mutation($i: RecordNeedInput!) { recordNeed(input: $i) { errors { code field message } } }',
      { i: { regionId: community.id, category: 'ELDERLY', targetGroup: '居民', description, peopleAffected: 12 } },
      staff,
    );
  }
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

test('community staff see the needs waiting for a project and open the list from the card', async () => {
  const s = await openPage(browser, app, DESKTOP);
  try {
    await uiLogin(s, 'community', PASSWORD);
    const card = s.page.getByTestId('work-needs');
    await card.waitFor();
    assert.match(await card.innerText(), /未立项的需求\s*2/);
    assert.match(await s.page.getByTestId('work-cards').innerText(), /待确认的微心愿/);
    await screenshot(s.page, 'community-staff-work-cards');
    await s.page.evaluate(() => window.localStorage.setItem('mm.locale', 'en-US'));
    await s.page.reload();
    await s.page.getByTestId('work-needs').getByText('Needs without a project').waitFor();
    await screenshot(s.page, 'community-staff-work-cards-en');
    await s.page.evaluate(() => window.localStorage.setItem('mm.locale', 'zh-CN'));
    await s.page.reload();
    await s.page.getByTestId('work-needs').click();
    await s.page.waitForURL((url) => url.pathname === '/app/needs');
    await s.assertClean();
  } finally {
    await s.close();
  }
});

test("the staff's cards fit a 375 px phone two to a row", async () => {
  const s = await openPage(browser, app, PHONE);
  try {
    await uiLogin(s, 'community', PASSWORD);
    await s.page.getByTestId('work-needs').waitFor();
    const width = await s.page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 375, `the page scrolls sideways: ${width} px`);
    await screenshot(s.page, 'community-staff-work-cards-phone');
    await s.assertClean();
  } finally {
    await s.close();
  }
});

test('the bureau officer, the organization admin, the social worker and the platform admin see their own cards', async () => {
  for (const [login, password, card, name] of [
    ['bureau', PASSWORD, 'work-approvals', 'bureau-officer-work-cards'],
    ['orga', PASSWORD, 'work-open', 'org-admin-work-cards'],
    ['worker', PASSWORD, 'work-fill', 'social-worker-work-cards'],
    [ADMIN.login, ADMIN.password, 'work-chain', 'platform-admin-work-cards'],
  ]) {
    const s = await openPage(browser, app, DESKTOP);
    try {
      await uiLogin(s, login, password);
      await s.page.getByTestId(card).waitFor();
      assert.equal(await s.page.getByTestId('work-needs').count(), 0);
      await screenshot(s.page, name);
      await s.assertClean();
    } finally {
      await s.close();
    }
  }
});
