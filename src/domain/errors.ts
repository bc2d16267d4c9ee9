/**
 * One error family with stable codes; routes map a code to an HTTP status and an
 * i18n message once (src/routes/errors.ts). Tests assert codes, not wording.
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'INVALID_TRANSITION'
  | 'CONFLICT'
  | 'BAD_CREDENTIALS'
  | 'ACCOUNT_DISABLED'
  | 'USERNAME_TAKEN'
  | 'SETUP_DONE'
  | 'SETUP_TOKEN'
  | 'FILE_TOO_LARGE'
  | 'TOO_MANY_FILES'
  | 'FILE_TYPE'
  | 'FILE_CONTENT_MISMATCH'
  | 'FILE_NAME'
  | 'FILE_MISSING'
  | 'MULTIPART'
  | 'ARCHIVE'
  | 'CSV'
  | 'RATE_LIMITED'
  | 'SIGNUP_DISABLED'
  | 'PAYLOAD_TOO_LARGE';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const fail = (code: ErrorCode, message: string, details: Record<string, unknown> = {}): never => {
  throw new AppError(code, message, details);
};
