import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Platform } from '../platform.js';
import { DETECTOR_MODEL } from '../provenance/detector/builtin.js';
import { CARRIERS } from '../provenance/label.js';
import { actorOf, requireUser } from './context.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
/** The public self-check reads files up to this size, from anyone, a few times a minute. */
export const PUBLIC_INSPECT_MAX_BYTES = 20 * 1024 * 1024;

interface OneFile {
  filename: string;
  data: Buffer;
  fields: Record<string, string>;
}

/** Reads a multipart body holding exactly one file (kept in memory, bounded) and text fields. */
async function oneFile(req: FastifyRequest, maxBytes: number): Promise<OneFile> {
  if (!req.isMultipart()) throw new AppError('MULTIPART', 'expected multipart/form-data', { reason: 'expected multipart/form-data with one "file" part' });
  const fields: Record<string, string> = {};
  let file: { filename: string; data: Buffer } | null = null;
  for await (const part of req.parts({ limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 } })) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      file = { filename: part.filename, data };
    } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
  }
  if (!file) throw new AppError('FILE_MISSING', 'no file in the request', { field: 'file' });
  return { ...file, fields };
}

function jsonField(fields: Record<string, string>, name: string): unknown {
  const raw = fields[name];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('VALIDATION', `${name} is not JSON`, { field: name, rule: 'json' });
  }
}

/** AIGC governance: a work's AIGC report, the public self-check, and label writing for a campus AI service. */
export function aigcRoutes(app: FastifyInstance, p: Platform): void {
  app.get<{ Params: { id: string } }>(
    '/api/works/:id/aigc',
    { schema: { tags: ['aigc'], summary: 'AIGC report of a work (labels, generator traces, text detector, disclosure check)', description: '`status`: queued | pending | done | not_submitted. Text scores are indicative evidence, never a decision; absence of labels proves nothing.', params: idParams } },
    async (req) => p.aigc.getReport(actorOf(req), req.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/works/:id/aigc',
    { schema: { tags: ['aigc'], summary: 'Run the AIGC check again (reviewers)', params: idParams } },
    async (req, reply) => reply.status(202).send(await p.aigc.requestReport(actorOf(req), req.params.id)),
  );

  app.get('/api/aigc/detector', { schema: { tags: ['aigc'], summary: 'The text detector in use and its measured error rates (public)' } }, async () => ({
    name: p.aigc.detectorName,
    evaluation: (DETECTOR_MODEL as { published?: unknown }).published ?? null,
    carriers: CARRIERS,
    publicMaxBytes: PUBLIC_INSPECT_MAX_BYTES,
  }));

  app.post(
    '/api/aigc/inspect',
    {
      config: { rateLimit: { max: 20, timeWindow: '1 minute' } },
      schema: {
        tags: ['aigc'],
        summary: 'Public AIGC self-check of one file (no account; rate-limited; nothing is stored)',
        description: `multipart/form-data with one \`file\` part (at most ${PUBLIC_INSPECT_MAX_BYTES} bytes). Returns every trace found (GB 45438 label, C2PA, IPTC, generator parameters, EXIF, text markers) with its location and problems, and for text a detector score in [0, 1]. Needs an \`x-csrf-token\` header (any value without a session).`,
        consumes: ['multipart/form-data'],
      },
    },
    async (req) => {
      const f = await oneFile(req, PUBLIC_INSPECT_MAX_BYTES);
      return p.aigc.inspectFile(f.data, f.filename);
    },
  );

  app.post(
    '/api/aigc/label',
    {
      config: { rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['aigc'],
        summary: 'Write the GB 45438 implicit label into a file (signed-in users; for a campus AI service)',
        description: 'multipart/form-data: a `label` field (JSON: Label "1"|"2"|"3", ContentProducer, ProduceID, ReservedCode1, ContentPropagator, PropagateID, ReservedCode2 — printable ASCII), an optional `options` field (JSON: `{"iptc": bool, "textMarker": {"position": "start"|"end", "text": "…"}, "imageText": {"corner": "bottom-right"|…, "text": "…"}, "videoText": {"corner": …, "text": "…", "seconds": 3}, "audioCue": true}`; the video label and the cue for MP3/FLAC/Ogg/M4A re-encode the file with ffmpeg), then one `file` part. Answers with the labelled file; headers x-aigc-carrier, x-aigc-label, x-aigc-explicit (URI-encoded) and x-aigc-warnings describe what was written. The result is read back before it is returned.',
        consumes: ['multipart/form-data'],
      },
    },
    async (req, reply) => {
      requireUser(req);
      const f = await oneFile(req, p.config.maxFileBytes);
      const label = jsonField(f.fields, 'label');
      const options = (jsonField(f.fields, 'options') ?? {}) as { iptc?: unknown; textMarker?: { position?: unknown; text?: unknown }; imageText?: { corner?: unknown; text?: unknown }; videoText?: { corner?: unknown; text?: unknown; seconds?: unknown }; audioCue?: unknown };
      const corners = ['bottom-right', 'bottom-left', 'top-right', 'top-left'] as const;
      const imageText = options.imageText ? { corner: corners.find((c) => c === options.imageText!.corner) ?? 'bottom-right', ...(typeof options.imageText.text === 'string' ? { text: options.imageText.text.slice(0, 60) } : {}) } : undefined;
      const v = options.videoText;
      const videoText = v ? { corner: corners.find((c) => c === v.corner) ?? 'bottom-right', ...(typeof v.text === 'string' ? { text: v.text.slice(0, 60) } : {}), ...(typeof v.seconds === 'number' ? { seconds: v.seconds } : {}) } : undefined;
      const textMarker = options.textMarker ? { ...(options.textMarker.position === 'end' ? { position: 'end' as const } : { position: 'start' as const }), ...(typeof options.textMarker.text === 'string' ? { text: options.textMarker.text.slice(0, 200) } : {}) } : undefined;
      const r = await p.aigc.label(f.data, label, { filename: f.filename, ...(typeof options.iptc === 'boolean' ? { iptc: options.iptc } : {}), ...(textMarker ? { textMarker } : {}), ...(imageText ? { imageText } : {}), ...(videoText ? { videoText } : {}), ...(options.audioCue === true ? { audioCue: true } : {}) });
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(f.filename)}`)
        .header('x-aigc-carrier', r.carrier)
        .header('x-aigc-label', r.value)
        .header('x-aigc-warnings', JSON.stringify(r.warnings.map((w) => w.code)))
        .header('x-aigc-explicit', r.explicit ? encodeURIComponent(r.explicit) : '')
        .send(r.bytes);
    },
  );
}
