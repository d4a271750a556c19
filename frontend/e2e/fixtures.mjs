// Data the end-to-end tests need but are not about, made through the API as the platform admin.
import { ADMIN } from './harness.mjs';

const REGIONS_CSV = [
  'code,name,level,parent_code',
  '370000000000,山东省,PROVINCE,',
  '370100000000,济南市,CITY,370000000000',
  '370102000000,历下区,DISTRICT,370100000000',
  '370102001000,解放路街道,STREET,370102000000',
  '370102001001,解放路社区,COMMUNITY,370102001000',
  '370102001002,文化东路社区,COMMUNITY,370102001000',
  '370102002000,千佛山街道,STREET,370102000000',
  '370102002001,千佛山社区,COMMUNITY,370102002000',
].join('\n');

const ERR = 'errors { code field message }';

export const PASSWORD = 'E2e-pass-word-2026';

/** The people of the story, one account per role. */
export const PEOPLE = {
  bureau: { username: 'bureau', displayName: '王科长', role: 'BUREAU_OFFICER', region: '370102000000' },
  auditor: { username: 'auditor', displayName: '审计员刘', role: 'AUDITOR', region: '370102000000' },
  community: { username: 'community', displayName: '李主任', role: 'COMMUNITY_STAFF', region: '370102001001' },
  expert: { username: 'expert', displayName: '孙专家', role: 'EXPERT', region: '370102000000', phone: '13900000009' },
};

/** Two social organizations based in the district, each with its admin account. */
export const ORGANIZATIONS = {
  a: {
    name: '历下区阳光社会工作服务中心',
    creditCode: '51370102MJA000001F',
    legalRepresentative: '张阳光',
    admin: { username: 'orga', displayName: '张理事长' },
  },
  b: {
    name: '泉城和美社会工作服务社',
    creditCode: '51370102MJA000002J',
    legalRepresentative: '孙和美',
    admin: { username: 'orgb', displayName: '孙理事长' },
  },
};

export async function seedWorld(app) {
  const admin = await app.login(ADMIN.login, ADMIN.password);
  await app.mutate(
    'importRegions',
    `mutation($input: ImportRegionsInput!) { importRegions(input: $input) { created ${ERR} } }`,
    { input: { csv: REGIONS_CSV } },
    admin,
  );
  const regions = {};
  const data = await app.gql('{ regions(first: 100) { nodes { id code name } } }', {}, admin);
  for (const r of data.regions.nodes) regions[r.code] = r;
  const accounts = {};
  for (const [key, person] of Object.entries(PEOPLE)) {
    const created = await app.mutate(
      'createAccount',
      `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERR} } }`,
      { input: { displayName: person.displayName, username: person.username, password: PASSWORD, phone: person.phone ?? null } },
      admin,
    );
    accounts[key] = { ...person, id: created.account.id };
    if (person.region) {
      await app.mutate(
        'grantRole',
        `mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } ${ERR} } }`,
        { input: { accountId: created.account.id, role: person.role, regionId: regions[person.region].id } },
        admin,
      );
    }
  }
  const organizations = {};
  for (const [key, org] of Object.entries(ORGANIZATIONS)) {
    const created = await app.mutate(
      'createOrganization',
      `mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } ${ERR} } }`,
      {
        input: {
          name: org.name,
          creditCode: org.creditCode,
          kind: 'REGISTERED',
          regionId: regions['370102000000'].id,
          legalRepresentative: org.legalRepresentative,
          contactName: org.legalRepresentative,
          contactPhone: key === 'a' ? '13900000001' : '13900000002',
          grade: 'A3',
          categories: ['ELDERLY', 'COMMUNITY_INTEGRATION'],
          serviceRegionIds: [regions['370102000000'].id],
        },
      },
      admin,
    );
    const orgId = created.organization.id;
    const account = await app.mutate(
      'createAccount',
      `mutation($input: CreateAccountInput!) { createAccount(input: $input) { account { id } ${ERR} } }`,
      { input: { displayName: org.admin.displayName, username: org.admin.username, password: PASSWORD } },
      admin,
    );
    await app.mutate(
      'grantRole',
      `mutation($input: GrantRoleInput!) { grantRole(input: $input) { grant { id } ${ERR} } }`,
      { input: { accountId: account.account.id, role: 'ORG_ADMIN', organizationId: orgId } },
      admin,
    );
    organizations[key] = { ...org, id: orgId, adminAccountId: account.account.id };
  }
  // A social worker on organization A's staff (the grant comes with the membership).
  const worker = await app.mutate(
    'createSocialWorker',
    `mutation($input: CreateSocialWorkerInput!) { createSocialWorker(input: $input) { socialWorker { id version } ${ERR} } }`,
    {
      input: {
        organizationId: organizations.a.id,
        name: '陈社工',
        username: 'worker',
        password: PASSWORD,
        specialties: ['ELDERLY'],
      },
    },
    admin,
  );
  // Their certification, as the bureau records it (docs/procurement.md).
  await app.mutate(
    'setSocialWorkerQualification',
    `mutation($input: SetSocialWorkerQualificationInput!) { setSocialWorkerQualification(input: $input) { socialWorker { id } ${ERR} } }`,
    {
      input: {
        socialWorkerId: worker.socialWorker.id,
        version: worker.socialWorker.version,
        level: 'SOCIAL_WORKER',
        certificateNumber: 'SW2024370102001',
        registeredOn: '2025-03-01',
      },
    },
    admin,
  );
  return { admin, regions, accounts, organizations };
}
