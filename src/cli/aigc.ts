import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { StatisticalDetector } from '../provenance/detector/builtin.js';
import { LogprobDetector } from '../provenance/detector/logprob.js';
import type { TextDetector } from '../provenance/detector/types.js';
import { GB_FIELDS } from '../provenance/gb45438.js';
import { inspect } from '../provenance/inspect.js';
import { LabelError, writeLabel } from '../provenance/label.js';
import type { InspectReport, Trace } from '../provenance/types.js';
import { FfmpegTool } from '../repositories/ffmpeg.tool.js';

interface DetectorOpts {
  logprobUrl?: string;
  logprobModel?: string;
  performerUrl?: string;
  performerModel?: string;
  center?: string;
  scale?: string;
}

function detectorFrom(o: DetectorOpts): TextDetector {
  const url = o.logprobUrl ?? process.env.CWS_AIGC_LOGPROB_URL;
  if (!url) return new StatisticalDetector();
  const model = o.logprobModel ?? process.env.CWS_AIGC_LOGPROB_MODEL ?? 'default';
  const perfUrl = o.performerUrl ?? process.env.CWS_AIGC_PERFORMER_URL;
  const performer = perfUrl ? { baseUrl: perfUrl, model: o.performerModel ?? process.env.CWS_AIGC_PERFORMER_MODEL ?? 'default' } : null;
  return new LogprobDetector({ baseUrl: url, model }, performer, { center: Number(o.center ?? (performer ? 0.9 : 1.5)), scale: Number(o.scale ?? (performer ? 0.05 : 1)) });
}

const mark = (t: Trace) => (t.ai === 'yes' ? 'AI' : t.ai === 'no' ? 'not-AI' : 'hint');

function human(r: InspectReport, file: string): string {
  const lines = [`${file}: ${r.format} (${r.mediaType}), ${r.size} bytes`];
  if (!r.labels.length) lines.push('  no AIGC label or generator trace found');
  for (const t of r.labels) {
    lines.push(`  [${t.kind}] ${mark(t)}  ${t.summary}`);
    lines.push(`      at ${t.location}`);
    for (const p of t.problems) lines.push(`      ${p.severity}: ${p.code} — ${p.message}`);
  }
  for (const p of r.problems) lines.push(`  ${p.severity}: ${p.code} — ${p.message}${p.location ? ` (${p.location})` : ''}`);
  if (r.text) lines.push(`  text: ${r.text.detector} score ${r.text.score.toFixed(3)} (${r.text.language}, ${r.text.chars} chars${r.text.flagged ? ', above the 1 %-FPR threshold' : ''}) — ${r.text.note ?? ''}`);
  lines.push(`  ${r.summary.caveat}`);
  return lines.join('\n');
}

/** `cws aigc inspect FILE` and `cws aigc label FILE`: no database or server needed. */
export function registerAigc(program: Command): void {
  const aigc = program.command('aigc').description('AIGC labels: read every trace a file carries, write the GB 45438 label (docs/aigc.md)');

  aigc
    .command('inspect')
    .description('report the AIGC labels and generator traces of a file, and score its text')
    .argument('<file>')
    .option('--json', 'print the report as JSON', false)
    .option('--logprob-url <url>', 'OpenAI-compatible endpoint with prompt log-probabilities (Fast-DetectGPT); default: the built-in detector')
    .option('--logprob-model <name>', 'model name for that endpoint')
    .option('--performer-url <url>', 'a second endpoint: use Binoculars (observer = --logprob-url)')
    .option('--performer-model <name>', 'model name for the performer endpoint')
    .option('--center <x>', 'calibration: raw criterion mapped to score 0.5')
    .option('--scale <x>', 'calibration: spread of the mapping')
    .action(async (file: string, opts: DetectorOpts & { json: boolean }) => {
      const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`cannot read ${file}: ${e.code ?? e.message}`);
      });
      const report = await inspect(bytes, { filename: path.basename(file), detector: detectorFrom(opts) });
      console.log(opts.json ? JSON.stringify(report, null, 2) : human(report, file));
    });

  const label = (v: string) => {
    if (!['1', '2', '3'].includes(v)) throw new InvalidArgumentError('Label is 1 (AI-generated), 2 (possibly) or 3 (suspected)');
    return v;
  };
  aigc
    .command('label')
    .description('write the GB 45438 implicit label into a copy of FILE (PNG, JPEG, WebP, GIF, TIFF, WAV, MP3, FLAC, Ogg, MP4/MOV/M4A, PDF, DOCX, Markdown)')
    .argument('<file>')
    .requiredOption('-o, --out <file>', 'where to write the labelled copy')
    .requiredOption('--producer <code>', 'ContentProducer: the generating service\'s name or code (printable ASCII)')
    .option('--label <1|2|3>', 'Label: 1 AI-generated, 2 possibly, 3 suspected', label, '1')
    .option('--produce-id <id>', 'ProduceID: the content\'s number at the producer', '')
    .option('--propagator <code>', 'ContentPropagator', '')
    .option('--propagate-id <id>', 'PropagateID', '')
    .option('--reserved1 <text>', 'ReservedCode1', '')
    .option('--reserved2 <text>', 'ReservedCode2', '')
    .option('--no-iptc', 'do not also write the IPTC digital source type in XMP carriers')
    .option('--text-marker <start|end>', 'Markdown: also add the explicit text label at the start or the end')
    .option('--image-text [corner]', 'images: also draw the visible label (bottom-right, bottom-left, top-right, top-left)')
    .option('--audio-cue', 'audio (WAV, MP3, FLAC, Ogg, M4A): also prepend the "short long short short" cue; compressed audio is re-encoded by ffmpeg', false)
    .option('--video-text [corner]', 'MP4/MOV: also show the visible label at a corner over the first seconds (re-encoded by ffmpeg)')
    .option('--seconds <s>', 'how long the video label stays visible (at least 2)', '3')
    .option('--json', 'print what was written as JSON', false)
    .action(async (file: string, o: { out: string; producer: string; label: string; produceId: string; propagator: string; propagateId: string; reserved1: string; reserved2: string; iptc: boolean; textMarker?: string; imageText?: string | boolean; videoText?: string | boolean; seconds: string; audioCue: boolean; json: boolean }) => {
      const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`cannot read ${file}: ${e.code ?? e.message}`);
      });
      const values = { Label: o.label, ContentProducer: o.producer, ProduceID: o.produceId, ReservedCode1: o.reserved1, ContentPropagator: o.propagator, PropagateID: o.propagateId, ReservedCode2: o.reserved2 };
      try {
        const corner = typeof o.imageText === 'string' ? o.imageText : 'bottom-right';
        const videoCorner = typeof o.videoText === 'string' ? o.videoText : 'bottom-right';
        for (const c of [o.imageText !== undefined ? corner : null, o.videoText !== undefined ? videoCorner : null]) if (c && !['bottom-right', 'bottom-left', 'top-right', 'top-left'].includes(c)) throw new Error(`unknown corner ${c}`);
        const r = await writeLabel(bytes, values, {
          filename: path.basename(file),
          iptc: o.iptc,
          ...(o.textMarker === 'start' || o.textMarker === 'end' ? { textMarker: { position: o.textMarker } } : {}),
          ...(o.imageText !== undefined ? { imageText: { corner: corner as 'bottom-right' } } : {}),
          ...(o.audioCue ? { audioCue: true } : {}),
          ...(o.videoText !== undefined ? { videoText: { corner: videoCorner as 'bottom-right', seconds: Number(o.seconds) } } : {}),
          media: new FfmpegTool(),
        });
        await writeFile(o.out, r.bytes);
        const summary = { file: o.out, format: r.format, carrier: r.carrier, explicit: r.explicit ?? null, label: JSON.parse(r.value) as Record<string, string>, warnings: r.warnings };
        console.log(o.json ? JSON.stringify(summary, null, 2) : `wrote ${o.out}: ${r.carrier}${r.explicit ? `; ${r.explicit}` : ''}\n  ${GB_FIELDS.map((f) => `${f}=${JSON.stringify(summary.label[f])}`).join(' ')}${r.warnings.map((w) => `\n  ${w.severity}: ${w.message}`).join('')}`);
      } catch (e) {
        if (e instanceof LabelError) throw new Error(`${e.code}: ${e.message}`, { cause: e });
        throw e;
      }
    });
}
