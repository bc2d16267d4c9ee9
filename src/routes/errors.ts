import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError, type ErrorCode } from '../domain/errors.js';
import { errorMessage, pickLocale } from '../i18n/messages.js';

const STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400, NOT_FOUND: 404, UNAUTHENTICATED: 401, FORBIDDEN: 403, CSRF: 403, INVALID_TRANSITION: 409, CONFLICT: 409,
  BAD_CREDENTIALS: 401, ACCOUNT_DISABLED: 403, USERNAME_TAKEN: 409, SETUP_DONE: 409, SETUP_TOKEN: 403, FILE_TOO_LARGE: 413,
  TOO_MANY_FILES: 413, FILE_TYPE: 415, FILE_CONTENT_MISMATCH: 415, FILE_NAME: 400, FILE_MISSING: 400, MULTIPART: 400,
  ARCHIVE: 400, CSV: 400, RATE_LIMITED: 429, SIGNUP_DISABLED: 403, PAYLOAD_TOO_LARGE: 413,
};

/** Translates framework and library errors into our codes, so clients see one shape. */
function toAppError(e: FastifyError & { validation?: { instancePath?: string; params?: Record<string, unknown>; message?: string }[] }): AppError | null {
  if (e instanceof AppError) return e;
  if (e.validation) {
    const v = e.validation[0];
    const field = (v?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || (v?.params?.missingProperty as string | undefined)) ?? e.validationContext ?? 'request';
    return new AppError('VALIDATION', e.message, { field, rule: v?.params?.missingProperty ? 'required' : 'type' });
  }
  switch (e.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return new AppError('FILE_TOO_LARGE', e.message, { maxBytes: undefined });
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return new AppError('TOO_MANY_FILES', e.message, {});
    case 'FST_FIELDS_LIMIT':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
    case 'FST_PROTO_VIOLATION':
      return new AppError('MULTIPART', e.message, { reason: e.message });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION', e.message, { field: 'body', rule: 'type' });
  }
  if (e.statusCode === 429) return new AppError('RATE_LIMITED', e.message);
  if (e instanceof SyntaxError || e.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return new AppError('VALIDATION', e.message, { field: 'body', rule: 'json' });
  // busboy reports cut or malformed multipart bodies as plain errors.
  if (/multipart|boundary|Unexpected end of form|Malformed part header/i.test(e.message)) return new AppError('MULTIPART', e.message, { reason: e.message });
  return null;
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const locale = pickLocale(req.headers['accept-language']);
    const e = toAppError(err);
    if (!e) {
      req.log.error({ err }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: locale === 'en' ? 'Internal error' : '服务器内部错误', details: {} } });
    }
    return reply.status(STATUS[e.code]).send({ error: { code: e.code, message: errorMessage(locale, e.code, e.details), details: e.details } });
  });
  app.setNotFoundHandler((req, reply) => {
    const locale = pickLocale(req.headers['accept-language']);
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: errorMessage(locale, 'NOT_FOUND', {}), details: { path: req.url.split('?')[0] } } });
  });
}
