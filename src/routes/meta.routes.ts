import type { FastifyInstance } from 'fastify';
import { CATEGORIES } from '../domain/categories.js';
import { ALLOWED_EXTENSIONS } from '../domain/files.js';
import type { Platform } from '../platform.js';

export function metaRoutes(app: FastifyInstance, p: Platform, version: string): void {
  app.get('/api/meta', { schema: { tags: ['meta'], summary: 'Categories, limits, institution' } }, async () => ({
    institution: p.config.institution,
    numberPrefix: p.config.numberPrefix,
    categories: CATEGORIES.map((c) => ({ key: c.key, code: p.config.categoryCodes[c.key], zh: c.zh, en: c.en })),
    limits: { maxFileBytes: p.config.maxFileBytes, maxFilesPerWork: p.config.maxFilesPerWork, allowedExtensions: ALLOWED_EXTENSIONS },
    version,
  }));
}
