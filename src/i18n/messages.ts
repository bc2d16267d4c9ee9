import type { ErrorCode } from '../domain/errors.js';

export type Locale = 'zh-CN' | 'en';

type Table = Record<ErrorCode, string> & Record<string, string>;

/** Server-side messages for API errors and CLI output; the web app has its own catalogue. */
const zh: Table = {
  VALIDATION: '输入有误：{field}',
  NOT_FOUND: '找不到该资源',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '您没有权限执行此操作',
  CSRF: '请求缺少有效的 CSRF 令牌，请刷新页面后重试',
  INVALID_TRANSITION: '当前状态（{status}）下不能执行该操作',
  CONFLICT: '作品已被修改，请刷新后重试',
  BAD_CREDENTIALS: '用户名或密码错误',
  ACCOUNT_DISABLED: '该账号已停用，请联系管理员',
  USERNAME_TAKEN: '该用户名已被使用',
  SETUP_DONE: '首个管理员账号已经创建',
  SETUP_TOKEN: '初始化链接无效或已使用，请重新启动服务获取新链接',
  FILE_TOO_LARGE: '文件 {filename} 超过大小上限（{maxBytes} 字节）',
  TOO_MANY_FILES: '文件数量超过上限（{max} 个）',
  FILE_TYPE: '不接受此文件类型（.{ext}）',
  FILE_CONTENT_MISMATCH: '文件 {filename} 的内容与其扩展名（.{ext}）不符',
  FILE_NAME: '文件名不合法：{filename}',
  FILE_MISSING: '提交审核前至少需要上传一个作品文件',
  MULTIPART: '上传请求格式有误：{reason}',
  ARCHIVE: '压缩包无法使用：{reason}',
  CSV: 'CSV 文件有误：{reason}',
  RATE_LIMITED: '尝试次数过多，请稍后再试',
  SIGNUP_DISABLED: '本站未开放自助注册',
  PAYLOAD_TOO_LARGE: '请求体过大',
  'rule.required': '{field} 为必填项',
  'rule.type': '{field} 的格式不正确',
  'rule.enum': '{field} 的取值不在允许范围内',
  'rule.too_long': '{field} 过长（最多 {max} 个字符）',
  'rule.too_many': '{field} 条目过多（最多 {max} 条）',
  'rule.control_chars': '{field} 含有不允许的控制字符',
  'rule.date': '{field} 不是有效日期（YYYY-MM-DD）',
  'rule.future_date': '{field} 不能晚于今天',
  'rule.before_completion': '首次发表日期不能早于创作完成日期',
  'rule.share': '{field} 份额须大于 0 且不超过 100',
  'rule.shares_sum': '著作权人份额合计须为 100%（当前 {sum}%）',
  'rule.password_short': '密码至少 {min} 个字符',
  'rule.username': '用户名只能包含小写字母、数字和 . _ -，长度 2–64',
  'rule.email': '邮箱格式不正确',
  'rule.unknown': '{field} 含有未知的条目',
  'rule.json': '{field} 不是有效的 JSON',
  'rule.not_in_archive': '压缩包或文件夹中没有文件 {filename}',
  'rule.not_registered': '该作品尚未登记（当前状态：{status}），审核通过后才有作品登记证书',
  'rule.not_yet_published': '登记正在写入公开登记簿日志，证书几秒钟后即可下载，请稍后重试',
};

const en: Table = {
  VALIDATION: 'Invalid input: {field}',
  NOT_FOUND: 'Not found',
  UNAUTHENTICATED: 'Please sign in first',
  FORBIDDEN: 'You are not allowed to do this',
  CSRF: 'Missing or invalid CSRF token; reload the page and try again',
  INVALID_TRANSITION: 'This action is not possible while the work is {status}',
  CONFLICT: 'The work was changed meanwhile; reload and try again',
  BAD_CREDENTIALS: 'Wrong username or password',
  ACCOUNT_DISABLED: 'This account is disabled; contact an administrator',
  USERNAME_TAKEN: 'This username is taken',
  SETUP_DONE: 'The first admin account already exists',
  SETUP_TOKEN: 'The setup link is invalid or used; restart the server for a new one',
  FILE_TOO_LARGE: 'File {filename} exceeds the size limit ({maxBytes} bytes)',
  TOO_MANY_FILES: 'Too many files (at most {max})',
  FILE_TYPE: 'File type .{ext} is not accepted',
  FILE_CONTENT_MISMATCH: 'The content of {filename} is not a .{ext} file',
  FILE_NAME: 'File name not allowed: {filename}',
  FILE_MISSING: 'Upload at least one file of the work before submitting it',
  MULTIPART: 'Malformed upload: {reason}',
  ARCHIVE: 'Archive cannot be used: {reason}',
  CSV: 'CSV file problem: {reason}',
  RATE_LIMITED: 'Too many attempts; try again later',
  SIGNUP_DISABLED: 'Self sign-up is disabled here',
  PAYLOAD_TOO_LARGE: 'Request body too large',
  'rule.required': '{field} is required',
  'rule.type': '{field} has the wrong format',
  'rule.enum': '{field} has a value that is not allowed',
  'rule.too_long': '{field} is too long (at most {max} characters)',
  'rule.too_many': '{field} has too many entries (at most {max})',
  'rule.control_chars': '{field} contains control characters',
  'rule.date': '{field} is not a valid date (YYYY-MM-DD)',
  'rule.future_date': '{field} cannot be in the future',
  'rule.before_completion': 'The first publication date cannot be before the completion date',
  'rule.share': '{field} must be more than 0 and at most 100',
  'rule.shares_sum': 'Owners\u2019 shares must add up to 100% (now {sum}%)',
  'rule.password_short': 'Password must have at least {min} characters',
  'rule.username': 'Username: lowercase letters, digits and . _ -, 2–64 characters',
  'rule.email': 'Not a valid e-mail address',
  'rule.unknown': '{field} contains unknown entries',
  'rule.json': '{field} is not valid JSON',
  'rule.not_in_archive': 'File {filename} is not in the archive or folder',
  'rule.not_registered': 'This work is not registered (status: {status}); only approved works have a registration certificate',
  'rule.not_yet_published': 'The registration is being written to the public registry log; the certificate can be downloaded in a few seconds',
};

const TABLES: Record<Locale, Table> = { 'zh-CN': zh, en };

export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}

export function translate(locale: Locale, key: string, params: Record<string, unknown> = {}): string | undefined {
  const template = TABLES[locale][key];
  if (template === undefined) return undefined;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (params[k] === undefined ? '' : String(params[k])));
}

export function errorMessage(locale: Locale, code: ErrorCode, details: Record<string, unknown>): string {
  const rule = typeof details.rule === 'string' ? translate(locale, `rule.${details.rule}`, details) : undefined;
  return rule ?? translate(locale, code, details) ?? code;
}
