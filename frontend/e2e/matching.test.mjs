// The matching story: a volunteer finds a shift under 为你推荐 on a phone and signs up from the
// card; community staff invite recommended volunteers to another shift from its screen and the
// volunteer accepts under 我的邀请; community staff invite recommended organizations to bid, an
// organization admin sees the project among its recommendations and adds a recommended social
// worker to the bid team; the platform admin opens 匹配模型 and queues a training run. Each screen
// is photographed in Chinese and English (volunteer screens at 375 px).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, DESKTOP, PHONE, assertInputsLabelled, launchBrowser, openPage, screenshot, startApp, uiLogin } from './harness.mjs';
import { ORGANIZATIONS, PASSWORD, seedWorld } from './fixtures.mjs';

const ERR = 'errors { code field message }';

let app;
let browser;
let world;
let staffToken;
const shifts = {};
let projectId;

/** A valid resident ID number (GB 11643 check character) for a birth date and sequence. */
function idNumber(region, birth, seq) {
  const body = `${region}${birth}${String(seq).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((n, d, i) => n + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

const EVERY_MORNING_AND_AFTERNOON = [0, 1, 2, 3, 4, 5, 6].flatMap((day) => [
  { day, slot: 'MORNING' },
  { day, slot: 'AFTERNOON' },
]);

/** Volunteers living around 解放路 (Jinan, Lixia): the first one is the phone user of the story. */
const VOLUNTEERS = [
  {
    realName: '赵志愿',
    phone: '13800138001',
    community: '370102001001',
    lat: 36.6652,
    lon: 117.0301,
    skills: ['急救', '陪伴'],
    interests: ['ELDERLY'],
  },
  {
    realName: '钱志愿',
    phone: '13800138002',
    community: '370102001002',
    lat: 36.6671,
    lon: 117.0352,
    skills: ['急救'],
    interests: ['ENVIRONMENT'],
  },
  {
    realName: '孙志愿',
    phone: '13800138003',
    community: '370102001001',
    lat: 36.6601,
    lon: 117.0248,
    skills: ['急救', '摄影'],
    interests: ['ELDERLY', 'ENVIRONMENT'],
  },
];

/** Beijing-time `hours`:00 `days` after the app's today, as an ISO instant. */
async function appInstant(days, hours) {
  const now = await app.now();
  const shanghai = new Date(now.getTime() + 8 * 3600_000);
  return new Date(
    Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate() + days, hours) - 8 * 3600_000,
  ).toISOString();
}

async function appDate(days) {
  return (await appInstant(days, 12)).slice(0, 10);
}

async function setLocale(session, locale) {
  await session.page.evaluate((l) => window.localStorage.setItem('mm.locale', l), locale);
  await session.page.reload();
}

async function noOverflow(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what} is ${overflow}px wider than the phone`);
}

before(async () => {
  app = await startApp();
  browser = await launchBrowser();
  world = await seedWorld(app);
  for (const [i, v] of VOLUNTEERS.entries()) {
    await app.mutate(
      'registerVolunteer',
      `mutation($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { volunteer { id } ${ERR} } }`,
      {
        input: {
          realName: v.realName,
          idNumber: idNumber('370102', `1990030${i + 1}`, 11 + i),
          homeRegionId: world.regions[v.community].id,
          skills: v.skills,
          interests: v.interests,
          availability: EVERY_MORNING_AND_AFTERNOON,
          latitude: v.lat,
          longitude: v.lon,
          maxDistanceKm: 10,
          phone: v.phone,
          password: PASSWORD,
        },
      },
    );
  }
  staffToken = await app.login('community', PASSWORD);
  const community = world.regions['370102001001'].id;
  const create = async (title, category, requiredSkills, times) => {
    const r = await app.mutate(
      'createActivity',
      `mutation($input: CreateActivityInput!) { createActivity(input: $input) { activity { id shifts { id startsAt } } ${ERR} } }`,
      {
        input: {
          title,
          placeName: '解放路社区日间照料中心',
          category,
          regionId: community,
          latitude: 36.6641,
          longitude: 117.0315,
          requiredSkills,
          description: '社区志愿服务活动。',
          shifts: await Promise.all(
            times.map(async ([days, from, to]) => ({
              startsAt: await appInstant(days, from),
              endsAt: await appInstant(days, to),
              capacity: 10,
            })),
          ),
        },
      },
      staffToken,
    );
    return r.activity.shifts;
  };
  [shifts.elderly] = await create('重阳节敬老院陪伴', 'ELDERLY', ['急救'], [[2, 9, 12]]);
  [shifts.cleanup] = await create('社区环境清洁日', 'ENVIRONMENT', [], [[3, 14, 17]]);

  // A project open for bids in the community, for the organization directions.
  const created = await app.mutate(
    'createProject',
    `mutation($input: CreateProjectInput!) { createProject(input: $input) { project { id } ${ERR} } }`,
    {
      input: {
        regionId: community,
        project: {
          title: '解放路社区独居老人关爱服务',
          description: '为辖区独居老人提供探访、助餐和心理疏导。',
          category: 'ELDERLY',
          targetGroups: ['独居老人'],
          beneficiaryTarget: 80,
          fundingSource: 'GOVERNMENT_PURCHASE',
          budgetCeilingFen: 20_000_000,
          procurementMethod: 'OPEN_TENDER',
          serviceStart: await appDate(60),
          serviceEnd: await appDate(420),
          priceWeight: 30,
          criteria: [
            { name: '服务方案', weight: 40 },
            { name: '团队能力', weight: 30 },
          ],
        },
      },
    },
    staffToken,
  );
  projectId = created.project.id;
  const bureauToken = await app.login('bureau', PASSWORD);
  const input = { projectId };
  await app.mutate('submitProject', `mutation($input: ProjectIdInput!) { submitProject(input: $input) { ${ERR} } }`, { input }, staffToken);
  await app.mutate(
    'approveProject',
    `mutation($input: ProjectIdInput!) { approveProject(input: $input) { ${ERR} } }`,
    { input },
    bureauToken,
  );
  await app.mutate(
    'publishProject',
    `mutation($input: PublishProjectInput!) { publishProject(input: $input) { ${ERR} } }`,
    { input: { projectId, bidDeadline: await appInstant(25, 10) } },
    staffToken,
  );
});

after(async () => {
  await browser?.close();
  await app?.stop();
});

test('a volunteer sees 为你推荐 on a phone, with reasons, and signs up from the card', async () => {
  const volunteer = await openPage(browser, app, PHONE);
  const { page } = volunteer;
  // ECharts comes in a chunk of its own, fetched only where a chart is drawn: not on these pages.
  const scripts = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
  });
  await uiLogin(volunteer, VOLUNTEERS[0].phone, PASSWORD);
  const feed = page.getByTestId('recommended-shifts');
  const card = feed.getByTestId('recommendation').filter({ hasText: '重阳节敬老院陪伴' });
  await card.waitFor();
  // Reasons are the server's Chinese texts, e.g. the required skill the volunteer has.
  await card
    .getByTestId('reason-tags')
    .getByText(/具备所需技能：急救|距离 .* 公里|有空/)
    .first()
    .waitFor();
  await feed.getByTestId('recommendation').nth(1).waitFor();
  await noOverflow(page, 'the volunteer home with 为你推荐');
  await screenshot(page, 'volunteer-home-recommended-phone');
  await card.getByRole('button', { name: /报\s*名/ }).click();
  await page.getByText('报名成功').first().waitFor();
  // The shift now lists under 我的报名 on the same page and leaves the feed.
  await page.getByTestId('workbench-VOLUNTEER').getByText('重阳节敬老院陪伴').first().waitFor();
  await feed.getByTestId('recommendation').filter({ hasText: '重阳节敬老院陪伴' }).waitFor({ state: 'detached' });

  await setLocale(volunteer, 'en-US');
  await feed.getByText('Recommended for you').waitFor();
  await feed.getByTestId('recommendation').first().waitFor();
  await noOverflow(page, 'the volunteer home in English');
  await screenshot(page, 'volunteer-home-recommended-phone-en');

  // The activity list shows each activity's next shift and its own places left.
  await setLocale(volunteer, 'zh-CN');
  await volunteer.go('/activities');
  await page.getByRole('link', { name: '社区环境清洁日' }).waitFor();
  assert.equal(await page.getByTestId('next-shift').count(), 2);
  await page.getByText('剩余 9 个名额').waitFor();
  await screenshot(page, 'volunteer-activities-next-shift-phone');
  assert.ok(scripts.length > 0, 'no scripts seen');
  for (const path of new Set(scripts)) {
    // registerPreprocessor is part of ECharts' public API: its name survives minification.
    const code = await (await fetch(`${app.base}${path}`)).text();
    assert.ok(!code.includes('registerPreprocessor'), `ECharts loaded on volunteer pages (${path})`);
  }
  await setLocale(volunteer, 'en-US');
  await page.getByText('9 places left').waitFor();
  await page
    .getByText(/^Next shift /)
    .first()
    .waitFor();
  await screenshot(page, 'volunteer-activities-next-shift-phone-en');
  await setLocale(volunteer, 'zh-CN');

  // The profile page has the two matching switches; turning personalization off says so on home.
  await volunteer.go('/app/volunteer/profile');
  const prefs = page.getByTestId('matching-preferences');
  await prefs.getByRole('switch', { name: '个性化推荐' }).waitFor();
  await prefs.getByRole('switch', { name: '不接受推荐/邀请' }).waitFor();
  await prefs.scrollIntoViewIfNeeded();
  await noOverflow(page, 'the profile page');
  await screenshot(page, 'volunteer-profile-matching-phone');
  await prefs.getByRole('switch', { name: '个性化推荐' }).click();
  await page.getByText('设置已保存').first().waitFor();
  assert.equal(await prefs.getByRole('switch', { name: '个性化推荐' }).getAttribute('aria-checked'), 'false');
  await volunteer.go('/app');
  await page.getByText('已关闭个性化推荐：只按距离和开始时间排序').waitFor();
  await volunteer.go('/app/volunteer/profile');
  await prefs.getByRole('switch', { name: '个性化推荐' }).click();
  await page.getByText('设置已保存').first().waitFor();
  await setLocale(volunteer, 'en-US');
  await prefs.getByRole('switch', { name: 'Personalized recommendations' }).waitFor();
  await prefs.scrollIntoViewIfNeeded();
  await screenshot(page, 'volunteer-profile-matching-phone-en');
  await volunteer.assertClean();
  await volunteer.close();
});

test('community staff invite recommended volunteers to a shift, and the volunteer accepts under 我的邀请', async () => {
  const staff = await openPage(browser, app, DESKTOP);
  const { page } = staff;
  await uiLogin(staff, 'community', PASSWORD);
  await staff.go(`/app/shifts/${encodeURIComponent(shifts.cleanup.id)}`);
  const panel = page.getByTestId('recommended-volunteers');
  await panel.getByTestId('recommendation').first().waitFor();
  const rows = panel.getByTestId('recommendation');
  const n = await rows.count();
  assert.ok(n >= 2, `expected the nearby volunteers to be recommended, got ${n}`);
  await rows.first().getByTestId('reason-tags').waitFor();
  for (let i = 0; i < n; i += 1) await rows.nth(i).getByRole('checkbox').check();
  await panel.getByText(`已选 ${n} 项`).waitFor();
  await assertInputsLabelled(page);
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'community-staff-recommended-volunteers');
  // The same list in English, before anyone is invited (invited volunteers leave the list).
  await setLocale(staff, 'en-US');
  await panel.getByText('Recommended volunteers').waitFor();
  await panel.getByTestId('recommendation').first().getByTestId('reason-tags').waitFor();
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'community-staff-recommended-volunteers-en');
  await setLocale(staff, 'zh-CN');
  for (let i = 0; i < n; i += 1) await rows.nth(i).getByRole('checkbox').check();
  await panel.getByRole('button', { name: '批量邀请' }).click();
  await page.getByText(`已邀请 ${n} 位志愿者`).waitFor();
  const invitations = page.getByTestId('shift-invitations');
  await invitations.getByRole('cell', { name: '待回复' }).first().waitFor();
  assert.equal(await invitations.getByRole('cell', { name: '待回复' }).count(), n);
  await invitations.scrollIntoViewIfNeeded();
  await screenshot(page, 'community-staff-shift-invitations');
  await staff.assertClean();

  const volunteer = await openPage(browser, app, PHONE);
  await uiLogin(volunteer, VOLUNTEERS[0].phone, PASSWORD);
  await volunteer.page.getByTestId('pending-invitations').waitFor();
  await volunteer.page
    .getByTestId('pending-invitations')
    .getByRole('link', { name: /我的邀请/ })
    .click();
  const invitation = volunteer.page.getByTestId('invitation').filter({ hasText: '社区环境清洁日' });
  await invitation.getByText('待回复').waitFor();
  await noOverflow(volunteer.page, 'my invitations');
  await screenshot(volunteer.page, 'volunteer-invitations-phone');
  await invitation.getByRole('button', { name: /接\s*受/ }).click();
  await volunteer.page.getByText('已接受邀请并报名').waitFor();
  await invitation.getByText('已接受').waitFor();
  await setLocale(volunteer, 'en-US');
  await volunteer.page.getByTestId('invitation').getByText('Accepted').waitFor();
  await screenshot(volunteer.page, 'volunteer-invitations-phone-en');
  await volunteer.assertClean();
  await volunteer.close();

  await setLocale(staff, 'en-US');
  await invitations.getByRole('cell', { name: 'Accepted' }).waitFor();
  await invitations.scrollIntoViewIfNeeded();
  await screenshot(staff.page, 'community-staff-shift-invitations-en');
  await staff.close();
});

test('community staff see recommended organizations for an open project and invite them to bid', async () => {
  const staff = await openPage(browser, app, DESKTOP);
  const { page } = staff;
  await uiLogin(staff, 'community', PASSWORD);
  await staff.go(`/projects/${encodeURIComponent(projectId)}`);
  const panel = page.getByTestId('recommended-organizations');
  const rows = panel.getByTestId('recommendation');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 2);
  await rows.filter({ hasText: ORGANIZATIONS.a.name }).getByRole('checkbox').check();
  await rows.filter({ hasText: ORGANIZATIONS.b.name }).getByRole('checkbox').check();
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'community-staff-recommended-organizations');
  await panel.getByRole('button', { name: '邀请投标' }).click();
  await page.getByText('已邀请 2 家组织').waitFor();
  await panel.getByTestId('project-invitations').getByText(ORGANIZATIONS.a.name).waitFor();
  await setLocale(staff, 'en-US');
  await panel.getByText('Recommended organizations').waitFor();
  await panel.getByTestId('recommendation').first().waitFor();
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'community-staff-recommended-organizations-en');
  await staff.assertClean();
  await staff.close();
});

test('an organization admin sees recommended projects on the workbench and adds a recommended social worker to the bid team', async () => {
  const org = await openPage(browser, app, DESKTOP);
  const { page } = org;
  await uiLogin(org, ORGANIZATIONS.a.admin.username, PASSWORD);
  const recs = page.getByTestId('recommended-projects');
  await recs.getByTestId('recommendation').filter({ hasText: '解放路社区独居老人关爱服务' }).waitFor();
  await screenshot(page, 'org-admin-recommended-projects');
  await setLocale(org, 'en-US');
  await recs.getByText('Recommended projects').waitFor();
  await recs.getByTestId('recommendation').first().waitFor();
  await screenshot(page, 'org-admin-recommended-projects-en');
  await setLocale(org, 'zh-CN');

  await recs.getByRole('link', { name: '解放路社区独居老人关爱服务' }).click();
  const workers = page.getByTestId('recommended-social-workers');
  const worker = workers.getByTestId('recommendation').filter({ hasText: '陈社工' });
  await worker.waitFor();
  await worker.getByRole('button', { name: /加入团队/ }).click();
  await worker.getByText('已在团队中').waitFor();
  await page.getByTestId('bid-panel').locator('.ant-select-selection-item', { hasText: '陈社工' }).waitFor();
  await workers.scrollIntoViewIfNeeded();
  await screenshot(page, 'org-admin-bid-recommended-workers');
  await setLocale(org, 'en-US');
  await workers.getByText('Recommended team members').waitFor();
  await workers.getByRole('button', { name: /Add to team/ }).click();
  await workers.getByText('In the team').waitFor();
  await workers.scrollIntoViewIfNeeded();
  await screenshot(page, 'org-admin-bid-recommended-workers-en');
  await org.assertClean();
  await org.close();
});

/**
 * A few days of feed history through the API: more activities, each volunteer opening 为你推荐
 * every hour of the app's clock and signing up for the top shift every other time, so the
 * SHIFTS_FOR_VOLUNTEER direction has enough lists (≥ 20) and rows (≥ 200) to train on.
 */
async function feedHistory() {
  const categories = ['ELDERLY', 'CHILDREN_YOUTH', 'ENVIRONMENT', 'CULTURE_SPORT', 'FAMILY', 'DISABILITY'];
  for (let i = 0; i < 12; i += 1) {
    const times = [
      [4 + i, 9, 11],
      [5 + i, 14, 16],
    ];
    await app.mutate(
      'createActivity',
      `mutation($input: CreateActivityInput!) { createActivity(input: $input) { activity { id } ${ERR} } }`,
      {
        input: {
          title: `社区服务活动 ${i + 1}`,
          placeName: `解放路社区活动室 ${i + 1}`,
          category: categories[i % categories.length],
          regionId: world.regions['370102001001'].id,
          latitude: 36.66 + i * 0.002,
          longitude: 117.02 + i * 0.002,
          shifts: await Promise.all(
            times.map(async ([days, from, to]) => ({
              startsAt: await appInstant(days, from),
              endsAt: await appInstant(days, to),
              capacity: 5,
            })),
          ),
        },
      },
      staffToken,
    );
  }
  const tokens = [];
  for (const v of VOLUNTEERS) tokens.push(await app.login(v.phone, PASSWORD));
  for (let round = 0; round < 8; round += 1) {
    for (const [k, token] of tokens.entries()) {
      const feed = await app.gql('{ recommendedShifts(first: 20) { items { shift { id } } } }', {}, token);
      const items = feed.recommendedShifts.items;
      if ((round + k) % 2 === 0 && items.length > 0) {
        const pick = items[(round + k) % Math.min(3, items.length)];
        // A refusal (an overlapping shift) is history too: the list stays without an outcome.
        await app.gql(
          `mutation($input: SignUpInput!) { signUp(input: $input) { signup { id } ${ERR} } }`,
          { input: { shiftId: pick.shift.id } },
          token,
        );
      }
    }
    await app.advanceClock(3600);
  }
}

test('the platform admin sees 匹配模型 per direction and queues a training run', async () => {
  await feedHistory();
  const admin = await openPage(browser, app, DESKTOP);
  const { page } = admin;
  await uiLogin(admin, ADMIN.login, ADMIN.password);
  await page.getByRole('link', { name: '匹配模型' }).first().click();
  const models = page.getByTestId('matching-models');
  await models.getByRole('tab', { name: '志愿者 → 班次' }).waitFor();
  await page.getByRole('button', { name: '立即训练' }).first().click();
  await page.getByText('训练任务已排队').waitFor();
  // The job runs in the app's process; whatever it concluded, the page lists what it stored.
  const token = await app.login(ADMIN.login, ADMIN.password);
  const deadline = Date.now() + 60_000;
  let stored = [];
  let jobs = [];
  while (Date.now() < deadline) {
    stored = (await app.gql('{ matchingModels(first: 20) { nodes { id direction kind status metrics { name } } } }', {}, token))
      .matchingModels.nodes;
    jobs = (await app.gql('{ jobs(first: 20) { nodes { name status lastError result } } }', {}, token)).jobs.nodes.filter((j) =>
      j.name.includes('match'),
    );
    if (jobs.length > 0 && jobs.every((j) => j.status === 'DONE' || j.status === 'FAILED')) break;
    await new Promise((ok) => setTimeout(ok, 500));
  }
  await page.reload();
  await models.getByRole('tab', { name: '志愿者 → 班次' }).waitFor();
  assert.ok(
    stored.some((m) => m.direction === 'SHIFTS_FOR_VOLUNTEER' && m.metrics.length > 0),
    `expected a trained SHIFTS_FOR_VOLUNTEER model, got ${JSON.stringify({ stored, jobs })}`,
  );
  await models.getByTestId('metrics-chart').first().locator('svg').first().waitFor();
  await models
    .getByRole('cell', { name: /逻辑回归|梯度提升树/ })
    .first()
    .waitFor();
  await screenshot(page, 'platform-admin-matching-models');
  await setLocale(admin, 'en-US');
  await models.getByRole('tab', { name: 'Volunteer → shifts' }).waitFor();
  await page.getByRole('button', { name: 'Train now' }).first().waitFor();
  await screenshot(page, 'platform-admin-matching-models-en');
  await admin.assertClean();
  await admin.close();
});
