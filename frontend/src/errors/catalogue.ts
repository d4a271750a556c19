// Every API error `code` with a Chinese and an English message. The compiler checks that each
// ErrorCode of the generated schema types is here (`satisfies`); a Vitest test checks it
// against ../schema.graphql too. Codes the server has but the catalogue doesn't yet know fall
// back to the server's (English) message.
import type { ErrorCode } from '../api/generated';
import type { Locale } from '../i18n';

export interface CatalogueEntry {
  zh: string;
  en: string;
}

/** Codes the client itself produces, or top-level (non-UserError) codes. */
type ClientCode = 'NETWORK' | 'INTERNAL' | 'UNSUPPORTED_MEDIA_TYPE' | 'UNKNOWN';

export const ERROR_CATALOGUE = {
  // transport and top-level
  NETWORK: { zh: '网络连接失败，请检查网络后重试', en: 'Network error: check your connection and try again' },
  INTERNAL: { zh: '服务器内部错误，请稍后重试', en: 'Server error, please try again later' },
  UNSUPPORTED_MEDIA_TYPE: { zh: '请求格式不受支持', en: 'Unsupported request format' },
  UNKNOWN: { zh: '操作失败', en: 'The operation failed' },
  // platform
  INVALID_INPUT: { zh: '输入有误，请检查', en: 'Invalid input' },
  NOT_FOUND: { zh: '记录不存在或不在您的权限范围内', en: 'Not found, or outside your scope' },
  FORBIDDEN: { zh: '您没有执行此操作的权限', en: 'You are not allowed to do this' },
  UNAUTHENTICATED: { zh: '请先登录', en: 'Please log in' },
  CONFLICT: { zh: '与现有记录冲突', en: 'This conflicts with an existing record' },
  STALE_VERSION: { zh: '记录已被他人修改，请刷新后重试', en: 'Someone else changed this record: reload and try again' },
  PAGE_TOO_LARGE: { zh: '每页最多 100 条', en: 'At most 100 items per page' },
  INVALID_CURSOR: { zh: '分页参数无效，请刷新', en: 'Invalid page cursor: reload' },
  RATE_LIMITED: { zh: '尝试次数过多，请稍后再试', en: 'Too many attempts, try again later' },
  TEXT_TOO_LONG: { zh: '搜索内容最多 100 个字', en: 'Search with at most 100 characters' },
  // Request limits (docs/security.md), reported as top-level GraphQL/HTTP errors.
  PAYLOAD_TOO_LARGE: { zh: '请求内容过大', en: 'The request is too large' },
  DOCUMENT_TOO_LARGE: { zh: '请求内容过大', en: 'The request is too large' },
  QUERY_TOO_COSTLY: { zh: '查询范围过大，请减少每页条数', en: 'The query asks for too much; use smaller pages' },
  ONE_PASSWORD_CHECK_PER_REQUEST: { zh: '每次请求只能登录或修改密码一次', en: 'One login or password change per request' },
  UPLOAD_OPERATION_ONLY: {
    zh: '上传地址只接受进度报告和心愿完成报告',
    en: 'The upload address accepts progress reports and wish fulfilment reports only',
  },
  INVALID_CREDENTIALS: { zh: '账号或密码错误', en: 'Wrong login or password' },
  ACCOUNT_DISABLED: { zh: '该账户已停用', en: 'This account is disabled' },
  USERNAME_TAKEN: { zh: '用户名已被使用', en: 'This username is taken' },
  PHONE_TAKEN: { zh: '手机号已被注册', en: 'This phone number is already registered' },
  WEAK_PASSWORD: { zh: '密码强度不足（至少 8 位，且包含字母和数字）', en: 'Password too weak (8+ characters, letters and digits)' },
  INVALID_PHONE: { zh: '手机号格式不正确', en: 'Invalid phone number' },
  INVALID_ROLE_SCOPE: { zh: '该身份的范围不正确', en: 'Wrong scope for this role' },
  INVALID_REGION_CODE: { zh: '区划代码不正确', en: 'Invalid region code' },
  REGION_CODE_TAKEN: { zh: '区划代码已存在', en: 'This region code exists already' },
  // organizations and volunteers
  INVALID_CREDIT_CODE: { zh: '统一社会信用代码不正确', en: 'Invalid unified social credit code' },
  CREDIT_CODE_TAKEN: { zh: '该统一社会信用代码已登记', en: 'This credit code is already registered' },
  INVALID_ID_NUMBER: { zh: '身份证号不正确', en: 'Invalid ID number' },
  ID_NUMBER_TAKEN: { zh: '该身份证号已注册', en: 'This ID number is already registered' },
  GUARDIAN_CONSENT_REQUIRED: { zh: '未满 18 周岁需监护人同意', en: 'Under 18: guardian consent is required' },
  ALREADY_REGISTERED: { zh: '您已注册过', en: 'Already registered' },
  CERTIFICATE_NUMBER_TAKEN: { zh: '该证书编号已被使用', en: 'This certificate number is taken' },
  ALREADY_MEMBER: { zh: '已是成员或已邀请', en: 'Already a member or invited' },
  // procurement
  INVALID_STATE: { zh: '当前状态下不能执行此操作', en: 'Not possible in the current state' },
  INVALID_BUDGET: { zh: '预算金额不正确', en: 'Invalid budget' },
  SERVICE_PERIOD_TOO_LONG: { zh: '服务期限过长（一般不超过 1 年，最长 3 年）', en: 'Service period too long (normally 1 year, at most 3)' },
  BID_DEADLINE_TOO_SOON: { zh: '投标截止时间过早', en: 'The bid deadline is too soon' },
  INVALID_WEIGHTS: { zh: '评分权重之和必须为 100%', en: 'Criteria weights must add up to 100%' },
  PRICE_WEIGHT_TOO_LOW: { zh: '价格分权重不得低于 10%', en: 'The price weight must be at least 10%' },
  INVALID_REQUIREMENTS: { zh: '资格要求不正确', en: 'Invalid requirements' },
  BID_DEADLINE_PASSED: { zh: '已过投标截止时间', en: 'The bid deadline has passed' },
  BID_ABOVE_CEILING: { zh: '报价超过预算上限', en: 'The price is above the budget ceiling' },
  SAME_LEGAL_REPRESENTATIVE: { zh: '与其他投标机构为同一法定代表人，不得同时投标', en: 'Another bidder has the same legal representative' },
  NOT_QUALIFIED: { zh: '不符合项目资格要求', en: 'Not qualified for this project' },
  INVALID_TEAM: { zh: '团队成员不正确', en: 'Invalid team' },
  EVALUATOR_CONFLICT: {
    zh: '评审人在社会组织任职，存在利害关系（开标前不得指定任何社会组织的人员，开标后不得指定投标单位的人员）',
    en: 'The evaluator holds a role in a social organization (before the opening nobody from any organization may be assigned; after it, nobody from a bidder)',
  },
  EVALUATOR_OUT_OF_REGION: {
    zh: '评审人的管辖区域不包含本项目，无法评分',
    en: "The evaluator's region does not include this project, so they could not score it",
  },
  NOT_AN_EVALUATOR: { zh: '您不是本项目的评审人', en: 'You are not an evaluator of this project' },
  SCORES_INCOMPLETE: { zh: '评分尚未完成', en: 'Scores are incomplete' },
  INVALID_CONTRACT_AMOUNT: {
    zh: '合同金额不正确（不得超过中标价和预算）',
    en: 'Invalid contract amount (at most the winning bid and the budget)',
  },
  INVALID_MILESTONES: { zh: '里程碑设置不正确', en: 'Invalid milestones' },
  MILESTONE_NOT_ACCEPTED: { zh: '里程碑尚未验收，不能付款', en: 'The milestone has not been accepted' },
  PAYMENT_EXCEEDS_LIMIT: { zh: '付款金额超出限额', en: 'The payment exceeds the limit' },
  PAYMENT_OUTSIDE_PERIOD: { zh: '付款日期不在合同期内', en: 'The payment date is outside the contract period' },
  FILE_TOO_LARGE: { zh: '文件过大', en: 'File too large' },
  FILE_TYPE_NOT_ALLOWED: { zh: '不支持该文件类型', en: 'File type not allowed' },
  // volunteering
  NOT_A_VOLUNTEER: { zh: '请先完成志愿者注册', en: 'Register as a volunteer first' },
  NOT_ORGANIZER: { zh: '只有活动组织方可以执行此操作', en: 'Only the organizer can do this' },
  ACTIVITY_CANCELLED: { zh: '活动已取消', en: 'The activity was cancelled' },
  SHIFT_STARTED: { zh: '班次已开始', en: 'The shift has started' },
  ALREADY_SIGNED_UP: { zh: '您已报名该班次', en: 'You have signed up already' },
  SHIFT_OVERLAP: { zh: '与您已报名的班次时间冲突', en: 'Overlaps a shift you signed up for' },
  AGE_REQUIREMENT: { zh: '不符合年龄要求', en: 'Age requirement not met' },
  SKILLS_REQUIRED: { zh: '缺少所需技能', en: 'Required skills missing' },
  OFFER_EXPIRED: { zh: '候补名额已过期', en: 'The waitlist offer has expired' },
  CHECKIN_NOT_OPEN: { zh: '当前不在签到时间内', en: 'Check-in is not open now' },
  INVALID_CHECKIN_CODE: { zh: '签到码不正确或已过期', en: 'Wrong or expired check-in code' },
  LOCATION_REQUIRED: { zh: '请允许获取位置后再签到', en: 'Your location is needed to check in' },
  OUTSIDE_RADIUS: { zh: '您不在活动签到范围内', en: 'You are outside the check-in area' },
  NOT_SIGNED_UP: { zh: '您未报名该班次', en: 'You have not signed up for this shift' },
  ALREADY_CHECKED_IN: { zh: '已经签到', en: 'Already checked in' },
  NOT_CHECKED_IN: { zh: '尚未签到', en: 'Not checked in' },
  INVALID_RECORD_TIME: { zh: '服务时间不正确', en: 'Invalid service time' },
  RECORD_TOO_LONG: { zh: '服务时长不能超过班次时长', en: 'A record cannot be longer than its shift' },
  RECORD_OVERLAP: { zh: '与已有服务记录时间重叠', en: 'Overlaps another service record' },
  SELF_CERTIFICATION: { zh: '不能认证自己的服务时长', en: 'You can’t certify your own hours' },
  RECORD_IMMUTABLE: { zh: '已审核的记录不能修改', en: 'Approved records cannot be changed' },
  DISPUTE_OPEN: { zh: '已有未处理的申诉', en: 'A dispute is already open' },
  INVALID_PERIOD: { zh: '时间段不正确', en: 'Invalid period' },
} satisfies Record<ErrorCode | ClientCode, CatalogueEntry> & Record<string, CatalogueEntry>;

export type KnownCode = keyof typeof ERROR_CATALOGUE;

export function isKnownCode(code: string): code is KnownCode {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, code);
}

/** The user-facing message for an error code; `fallback` (the server's message) for unknown codes. */
export function errorMessage(code: string | null | undefined, locale: Locale, fallback?: string): string {
  if (code && isKnownCode(code)) {
    const entry: CatalogueEntry = ERROR_CATALOGUE[code];
    return locale === 'zh-CN' ? entry.zh : entry.en;
  }
  if (fallback) return fallback;
  const entry: CatalogueEntry = ERROR_CATALOGUE.UNKNOWN;
  return locale === 'zh-CN' ? entry.zh : entry.en;
}
