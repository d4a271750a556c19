// The micro-wish story (docs/micro_wishes.md): community staff record a wish (a public text that
// names the resident is caught before sending); anyone reads the wall on a phone without the
// beneficiary's name or address; a volunteer claims the wish on a 375 px phone, reads who it is
// for under 我的认领 and reports it done with the time given; the staff confirm it after checking
// with the resident; the time appears in the volunteer's hours ledger. Screens are photographed in
// Chinese and English (volunteer screens at 375 px).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, assertInputsLabelled, launchBrowser, openPage, screenshot, startApp, uiLogin } from './harness.mjs';
import { ORGANIZATIONS, PASSWORD, seedWorld } from './fixtures.mjs';

const ERR = 'errors { code field message }';
const WISH = '帮独居老人换厨房灯';
const NAME = '王秀兰';
const ADDRESS = '解放路12号3单元';
const PHONE_LOGIN = '13800138061';

let app;
let browser;
let staff;
let volunteer;

/** A valid resident ID number (GB 11643 check character) for a birth date and sequence. */
function idNumber(region, birth, seq) {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((n, d, i) => n + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function setLocale(session, locale) {
  await session.page.evaluate((l) => window.localStorage.setItem('mm.locale', l), locale);
  await session.page.reload();
}

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the phone`);
}

/** Pick `option` in the antd Select `input` (a locator of its search input). */
async function pickOption(page, input, option) {
  await input.click({ force: true });
  await page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`).click();
}

/** The OK button of the open Popconfirm. */
function popconfirmOk(page, name) {
  return page.locator('.ant-popconfirm:visible').getByRole('button', { name });
}

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  const world = await seedWorld(app);
  const community = world.regions['370102001001'].id;
  await app.mutate(
    'registerVolunteer',
    `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteer { id } ${ERR} } }`,
    {
      input: {
        realName: '赵志愿',
        idNumber: idNumber('370102', '19900301', 21),
        homeRegionId: community,
        skills: ['电工'],
        interests: ['ELDERLY'],
        availability: [{ day: 5, slot: 'MORNING' }],
        phone: PHONE_LOGIN,
        password: PASSWORD,
      },
    },
  );
  // Two more wishes on the wall, so the filters have something to tell apart.
  const staffToken = await app.login('community', PASSWORD);
  const deadline = new Date(Date.now() + 10 * 86400_000).toISOString();
  for (const wish of [
    {
      kind: 'WISH',
      category: 'CHILDREN_YOUTH',
      title: '给留守儿童送一个新书包',
      needs: 'GOODS',
      publicDescription: '一名四年级留守儿童的书包坏了，希望得到一个新书包。',
      beneficiaryName: '李小明',
      beneficiaryAddress: '解放路8号',
    },
    {
      kind: 'AFFAIR',
      category: 'ENVIRONMENT',
      title: '清理3号楼楼道杂物',
      needs: 'TIME',
      publicDescription: '3号楼楼道堆放杂物，影响通行，需要两三人清理。',
      beneficiaryName: '3号楼居民',
      beneficiaryAddress: '解放路社区3号楼',
    },
  ]) {
    await app.mutate(
      'recordMicroWish',
      `mutation($input: RecordMicroWishInput!) { recordMicroWish(input: $input) { microWish { id } ${ERR} } }`,
      { input: { ...wish, regionId: community, description: wish.publicDescription, deadline } },
      staffToken,
    );
  }
  staff = await openPage(browser, app, DESKTOP);
  volunteer = await openPage(browser, app, PHONE);
});

after(async () => {
  await staff?.close();
  await volunteer?.close();
  await browser?.close();
  await app?.stop();
});

test('community staff record a wish, and a public text naming the resident is caught before sending', async () => {
  const { page } = staff;
  await uiLogin(staff, 'community', PASSWORD);
  await page.getByRole('link', { name: '微心愿管理' }).first().click();
  await page.getByTestId('manage-wishes').waitFor();
  await page.getByRole('button', { name: '登记心愿' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('标题').fill(WISH);
  await pickOption(page, dialog.getByLabel('服务类别', { exact: true }), '为老服务');
  await dialog.getByLabel('受助人姓名').fill(NAME);
  await dialog.getByLabel('受助人地址').fill(ADDRESS);
  await dialog.getByLabel('详细情况（仅工作人员和认领方可见）').fill(`${NAME}奶奶独居，厨房吸顶灯不亮，需要上门更换（灯已备好）。`);
  await dialog.getByLabel('公开说明').fill(`${NAME}奶奶家厨房灯坏了，需要上门更换。`);
  await dialog.getByLabel('标题').click();
  await dialog.getByText('标题和公开说明所有人可见，不能包含受助人姓名或地址').waitFor();
  await dialog.getByLabel('公开说明').fill('一位独居老人家中厨房灯坏了，需要懂电工的志愿者上门更换。');
  await assertInputsLabelled(page);
  await screenshot(page, 'community-staff-wish-record');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await page.getByText('心愿已登记，已在心愿墙展示').waitFor();
  await page.getByRole('cell', { name: new RegExp(`^${WISH}`) }).waitFor();
  await page.getByRole('cell', { name: new RegExp(NAME) }).waitFor();
  await screenshot(page, 'community-staff-wishes');
  // Whom to ask: the street's volunteers ranked for the wish, shown as `volunteers` shows them to
  // these staff (a resident of their own community by name).
  await page.getByRole('button', { name: `推荐认领人 ${WISH}` }).click();
  const claimers = page.getByTestId('wish-claimers');
  await claimers.getByTestId('recommendation').filter({ hasText: '赵志愿' }).waitFor();
  await screenshot(page, 'community-staff-wish-claimers');
  await page.keyboard.press('Escape');
  await staff.assertClean();
});

test('anyone reads the wall on a phone without logging in, filters it, and never sees who a wish is for', async () => {
  const { page } = volunteer;
  await volunteer.go('/wishes');
  await page.getByTestId('wish-wall').waitFor();
  await page.getByText(WISH).waitFor();
  await page.getByText('给留守儿童送一个新书包').waitFor();
  const text = await page.locator('body').innerText();
  assert.ok(!text.includes(NAME) && !text.includes(ADDRESS), 'the wall shows the beneficiary');
  await page.getByRole('button', { name: '登录后认领' }).first().waitFor();
  await noOverflow(page, 'the wish wall');
  await assertInputsLabelled(page);
  await screenshot(page, 'wish-wall-phone');

  await pickOption(page, page.getByRole('combobox', { name: '服务类别' }), '青少年儿童');
  await page.getByText(WISH).waitFor({ state: 'detached' });
  await page.getByText('给留守儿童送一个新书包').waitFor();
  assert.equal(await page.getByTestId('wish-card').count(), 1);

  await setLocale(volunteer, 'en-US');
  await page.getByText(WISH).waitFor();
  await page.getByRole('button', { name: 'Log in to claim' }).first().waitFor();
  await noOverflow(page, 'the wish wall in English');
  await screenshot(page, 'wish-wall-phone-en');
  await setLocale(volunteer, 'zh-CN');
  await volunteer.assertClean();
});

test('a volunteer claims the wish on a phone, reads who it is for under 我的认领 and reports it done with the time given', async () => {
  const { page } = volunteer;
  await uiLogin(volunteer, PHONE_LOGIN, PASSWORD);
  await page.getByTestId('workbench-VOLUNTEER').waitFor();
  await volunteer.go('/wishes');
  // A volunteer also sees the wishes nearby ranked for them, above the wall.
  await page.getByTestId('recommended-wishes').waitFor();
  await noOverflow(page, 'the wall with recommendations');
  await screenshot(page, 'wish-wall-volunteer-phone');
  await page
    .getByTestId('wish-list')
    .getByRole('button', { name: `认领 ${WISH}` })
    .click();
  await popconfirmOk(page, /认\s*领/).click();
  await page.getByText('认领成功').waitFor();
  await page.getByTestId('wish-list').getByText(WISH).waitFor({ state: 'detached' });

  await volunteer.go('/app/wishes/mine');
  await page.getByTestId('my-wish-claims').waitFor();
  await page.getByTestId('wish-beneficiary').getByText(NAME, { exact: true }).waitFor();
  await page.getByTestId('wish-beneficiary').getByText(ADDRESS).waitFor();
  await noOverflow(page, 'my claimed wishes');
  await screenshot(page, 'my-wish-claims-phone');

  await page.getByRole('button', { name: `报告完成 ${WISH}` }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('完成情况').fill('已上门更换厨房吸顶灯，测试正常，王奶奶表示满意。');
  await dialog.getByLabel('服务时长（分钟）').fill('90');
  await assertInputsLabelled(page);
  await screenshot(page, 'wish-report-phone');
  await dialog.getByRole('button', { name: /提\s*交/ }).click();
  await page.getByText('已报告完成，等待社区工作人员确认').waitFor();
  await page.getByText(/服务 90 分钟/).waitFor();
  await noOverflow(page, 'my claimed wishes after the report');

  await setLocale(volunteer, 'en-US');
  await page.getByText("Reported done: waiting for the community's staff to confirm").waitFor();
  await noOverflow(page, 'my claimed wishes in English');
  await screenshot(page, 'my-wish-claims-phone-en');
  await setLocale(volunteer, 'zh-CN');
  await volunteer.assertClean();
});

test('community staff read the report and confirm it after checking with the resident', async () => {
  const { page } = staff;
  // The workbench links the wishes to confirm straight to their tab.
  await staff.go('/app/wishes?status=FULFILLED');
  assert.equal(await page.getByRole('tab', { name: '待确认' }).getAttribute('aria-selected'), 'true');
  await page.getByRole('cell', { name: /已上门更换厨房吸顶灯/ }).waitFor();
  await page.getByRole('cell', { name: /服务 90 分钟/ }).waitFor();
  await screenshot(page, 'community-staff-wish-confirm');
  await page.getByRole('button', { name: `确认完成 ${WISH}` }).click();
  await popconfirmOk(page, /确认完成/).click();
  await page.getByText('已确认完成').first().waitFor();
  // It leaves the 待确认 tab (nothing else waits there) and is found under 已确认.
  await page.getByText('暂无此状态的心愿').waitFor();
  await page.getByRole('tab', { name: '已确认' }).click();
  await page.getByRole('cell', { name: new RegExp(`^${WISH}`) }).waitFor();

  await setLocale(staff, 'en-US');
  await page.getByRole('tab', { name: 'Confirmed' }).click();
  await page.getByRole('cell', { name: new RegExp(`^${WISH}`) }).waitFor();
  await screenshot(page, 'community-staff-wishes-en');
  await setLocale(staff, 'zh-CN');
  await staff.assertClean();
});

test("the confirmed time appears in the volunteer's hours ledger", async () => {
  const { page } = volunteer;
  await volunteer.go('/app/wishes/mine');
  await page.getByText('社区已确认完成').waitFor();
  await volunteer.go('/app/volunteer/hours');
  const row = page.getByTestId('hours-row').filter({ hasText: WISH });
  await row.getByText('已确认').waitFor();
  await row.getByText('1.5 h').waitFor();
  await row.getByText(/微心愿/).waitFor();
  await noOverflow(page, 'the hours page');
  await screenshot(page, 'volunteer-hours-wish-phone');
  await volunteer.assertClean();
});

test("the public home shows the fulfilled wish among the platform's results, without who it was for", async () => {
  const visitor = await openPage(browser, app, PHONE);
  try {
    const { page } = visitor;
    await visitor.go('/');
    const results = page.getByTestId('recent-wish-results');
    await results.getByText(WISH).waitFor();
    await results.getByText('已确认').waitFor();
    const text = await results.innerText();
    assert.ok(!text.includes(NAME) && !text.includes(ADDRESS), 'the public home shows the beneficiary');
    await results.scrollIntoViewIfNeeded();
    await noOverflow(page, 'the public home');
    await screenshot(page, 'public-home-wishes-phone');
    await visitor.assertClean();
  } finally {
    await visitor.close();
  }
});

test('an organization admin claims a wish for the organization, which then holds it by name and reports without minutes', async () => {
  const admin = await openPage(browser, app, DESKTOP);
  try {
    const { page } = admin;
    await uiLogin(admin, 'orga', PASSWORD);
    await page.getByRole('link', { name: '心愿墙' }).first().click();
    await page.getByRole('button', { name: '认领 清理3号楼楼道杂物' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('本机构').check();
    await screenshot(page, 'org-admin-wish-claim');
    await dialog.getByRole('button', { name: /认\s*领/ }).click();
    await page.getByText('认领成功').waitFor();

    await page.getByRole('link', { name: '我的认领' }).first().click();
    const card = page.getByTestId('wish-card').filter({ hasText: '清理3号楼楼道杂物' });
    await card.getByText(`认领方：${ORGANIZATIONS.a.name}`).waitFor();
    await card.getByTestId('wish-beneficiary').getByText('3号楼居民', { exact: true }).waitFor();
    await card.getByRole('button', { name: '报告完成 清理3号楼楼道杂物' }).click();
    await page.getByRole('dialog').getByLabel('完成情况').waitFor();
    assert.equal(await page.getByRole('dialog').getByLabel('服务时长（分钟）').count(), 0, 'an organization reports no minutes');
    await page.getByRole('dialog').getByLabel('完成情况').fill('机构社工带领志愿者清理了楼道杂物，已拍照留存。');
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /提\s*交/ })
      .click();
    await card.getByText('已报告完成，等待社区工作人员确认').waitFor();
    await admin.assertClean();
  } finally {
    await admin.close();
  }
});
