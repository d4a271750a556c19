// The volunteering story: a volunteer registers (phone, 375 px), signs up for a community
// activity, checks in and out with the code shown on the organizer's shift screen, and sees the
// hours after the organizer approves them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DESKTOP, PHONE, assertInputsLabelled, launchBrowser, openPage, screenshot, startApp, uiLogin } from './harness.mjs';
import { PASSWORD, seedWorld } from './fixtures.mjs';

let app;
let browser;
let staff;
let volunteer;

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  await seedWorld(app);
  staff = await openPage(browser, app, DESKTOP);
  volunteer = await openPage(browser, app, PHONE);
});

after(async () => {
  await staff?.close();
  await volunteer?.close();
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

/** Type a date into an antd DatePicker; leaving the field keeps it (Enter would submit the form). */
async function typeDate(page, label, text) {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  await input.fill(text);
  await input.press('Tab');
}

/** The app's date in Asia/Shanghai, `days` later. */
async function appDate(days = 0) {
  const now = await app.now();
  return new Date(now.getTime() + 8 * 3600_000 + days * 86400_000).toISOString().slice(0, 10);
}

/** Seconds from now until `hours`:00 tomorrow in Asia/Shanghai (UTC+8, no DST). */
function secondsUntilTomorrowShanghai(hours, minutes = 0) {
  const now = new Date();
  const shanghai = new Date(now.getTime() + 8 * 3600_000);
  const target = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate() + 1, hours, minutes) - 8 * 3600_000;
  return Math.round((target - now.getTime()) / 1000);
}

test('community staff publish an activity with a shift', async () => {
  await uiLogin(staff, 'community', PASSWORD);
  await staff.page.getByTestId('workbench-COMMUNITY_STAFF').waitFor();
  await staff.go('/app/activities');
  await staff.page.getByRole('button', { name: '发布活动' }).click();
  await staff.page.getByLabel('活动名称').fill('重阳节敬老院陪伴');
  await pickOption(staff.page, '服务类别', null, '为老服务');
  await pickOption(staff.page, '社区', '解放路', '解放路社区');
  await staff.page.getByLabel('活动地点').fill('解放路社区日间照料中心');
  await staff.page.getByLabel('活动介绍').fill('陪伴老人聊天、读报，协助开展重阳节活动。');
  // The default shift is tomorrow 09:00–12:00 with 10 places.
  await assertInputsLabelled(staff.page);
  await screenshot(staff.page, 'community-staff-create-activity');
  await staff.page.getByRole('button', { name: '发布活动' }).last().click();
  await staff.page.waitForURL((url) => url.pathname === '/app/activities');
  await staff.page.getByText('重阳节敬老院陪伴').waitFor();
  await staff.assertClean();
});

test('a volunteer registers with real-name details on a phone, and a bad ID number is caught before sending', async () => {
  const { page } = volunteer;
  await volunteer.go('/register');
  await page.getByLabel('真实姓名').fill('赵志愿');
  await page.getByLabel('身份证号').fill('110105194912310021');
  await page.getByLabel('手机号（登录账号）').click();
  await page.getByText('身份证号校验位不正确，请核对').waitFor();
  await page.getByLabel('身份证号').fill('11010519491231002X');
  await page.getByLabel('手机号（登录账号）').fill('13800138000');
  await page.getByLabel('登录密码').fill(PASSWORD);
  await pickOption(page, '居住社区', '解放路', '解放路社区');
  await page.getByLabel('技能特长').fill('急救');
  await page.getByLabel('技能特长').press('Enter');
  await page.getByLabel('周六 上午').check();
  await page.getByLabel('周日 上午').check();
  await assertInputsLabelled(page);
  await screenshot(page, 'volunteer-register-phone');
  await page.getByRole('button', { name: /提\s*交/ }).click();
  await page.getByTestId('workbench-VOLUNTEER').waitFor();
  await page.getByTestId('star-card').waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the volunteer home is ${overflow}px wider than the phone`);
  await screenshot(page, 'volunteer-home-phone');
  await volunteer.assertClean();
});

test('the volunteer signs up for the shift', async () => {
  const { page } = volunteer;
  await volunteer.go('/activities');
  await page.getByRole('link', { name: '重阳节敬老院陪伴' }).waitFor();
  await screenshot(page, 'volunteer-activities-phone');
  await page.getByRole('link', { name: '重阳节敬老院陪伴' }).click();
  await page.getByTestId('activity-detail').waitFor();
  await page.getByRole('button', { name: /报\s*名/ }).click();
  await page.getByText('报名成功').waitFor();
  await page.getByRole('button', { name: '取消报名' }).waitFor();
  await screenshot(page, 'volunteer-activity-detail-phone');
  await volunteer.assertClean();
});

test('the volunteer checks in and out with the code on the shift screen, and sees the hours once approved', async () => {
  // Ten minutes before the shift (check-in opens 30 minutes before).
  await app.advanceClock(secondsUntilTomorrowShanghai(8, 50));

  await staff.go('/app/activities');
  await staff.page.getByTestId('shift-screen-link').first().click();
  const codeBox = staff.page.getByTestId('checkin-code');
  await codeBox.waitFor();
  await staff.page.getByTestId('checkin-qr').waitFor();
  await staff.page.getByRole('cell', { name: /^赵/ }).waitFor();
  await screenshot(staff.page, 'community-staff-shift-screen');
  const shiftId = decodeURIComponent(new URL(staff.page.url()).pathname.split('/').pop());

  const { page } = volunteer;
  await volunteer.go(`/checkin?shift=${encodeURIComponent(shiftId)}`);
  await page.getByLabel('签到码').fill((await codeBox.textContent()).trim());
  await page
    .getByRole('button', { name: /签\s*到/ })
    .first()
    .click();
  await page.getByText('签到成功').waitFor();
  await assertInputsLabelled(page);
  await screenshot(page, 'volunteer-checkin-phone');

  // Two and a half hours later the volunteer checks out with the code shown then.
  await app.advanceClock(150 * 60);
  await staff.page.reload();
  await staff.page.getByTestId('checkin-code').waitFor();
  const laterCode = (await staff.page.getByTestId('checkin-code').textContent()).trim();
  await page.getByLabel('签到码').fill(laterCode);
  await page.getByRole('button', { name: /签\s*退/ }).click();
  await page.getByText(/签退成功/).waitFor();

  await staff.go('/app/hours');
  await staff.page.getByRole('cell', { name: /^赵/ }).waitFor();
  await staff.page.getByRole('row', { name: /赵/ }).getByRole('checkbox').check();
  await assertInputsLabelled(staff.page);
  await screenshot(staff.page, 'community-staff-hours-approval');
  await staff.page.getByRole('button', { name: /批量确认/ }).click();
  await staff.page.getByText(/已确认 1 条记录/).waitFor();

  await volunteer.go('/app/volunteer/hours');
  await page.getByTestId('hours-row').getByText('已确认').waitFor();
  await page
    .getByTestId('star-card')
    .getByText(/距离 1 星/)
    .waitFor();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the hours page is ${overflow}px wider than the phone`);
  await screenshot(page, 'volunteer-hours-phone');
  await staff.assertClean();
  await volunteer.assertClean();
});

test('the volunteer is notified of the approval, requests a certificate, sees it rendered and downloads the PDF', async () => {
  const { page } = volunteer;
  await volunteer.go('/app/notifications');
  await page.locator('.ant-list-item').first().waitFor();
  await page.getByTestId('notification-bell').waitFor();

  await volunteer.go('/app/volunteer/certificates');
  await typeDate(page, '起始日期', await appDate(-30));
  await typeDate(page, '截止日期', await appDate(0));
  await assertInputsLabelled(page);
  await page.getByRole('button', { name: '申请证明' }).click();
  // Rendering is a background job: the page polls and says when it is ready.
  const link = page.getByTestId('certificate-download');
  await link.waitFor({ timeout: 30_000 });
  await page.getByText('证明已生成，可以下载').waitFor();
  assert.equal(await link.count(), 1);
  const response = await volunteer.context.request.get(`${app.base}${await link.getAttribute('href')}`);
  assert.equal(response.status(), 200);
  assert.match(response.headers()['content-type'], /pdf/);
  await screenshot(page, 'volunteer-certificates-phone');
  await volunteer.assertClean();
});
