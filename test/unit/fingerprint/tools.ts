/**
 * Tests that need a Debian tool (fpcalc from libchromaprint-tools, ffmpeg) fail with a clear
 * message when it is missing, unless CWS_ALLOW_MISSING_TOOLS=1 (then they are skipped with
 * a warning). Published vectors use the ledger's helper (../ledger/vectors.ts).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { ffmpegPath } from '../../../src/repositories/media.decoder.js';

function has(tool: string): boolean {
  if (tool === 'ffmpeg') return ffmpegPath() !== null;
  if (tool.startsWith('/')) return existsSync(tool);
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const HOW: Record<string, string> = { fpcalc: 'apt-get install -y libchromaprint-tools', ffmpeg: 'npm ci (installs @ffmpeg-installer/ffmpeg) or apt-get install -y ffmpeg', '/usr/share/backgrounds/mate/nature': 'apt-get install -y --no-install-recommends mate-backgrounds' };

export function describeWithTools(name: string, tools: readonly string[], body: () => void): void {
  const missing = tools.filter((t) => !has(t));
  if (missing.length === 0) {
    describe(name, body);
    return;
  }
  const what = missing.map((t) => `${t} (${HOW[t] ?? 'install it'})`).join(', ');
  if (process.env.CWS_ALLOW_MISSING_TOOLS === '1') {
    console.warn(`[fingerprint tests] SKIPPED "${name}": missing ${what} (CWS_ALLOW_MISSING_TOOLS=1)`);
    describe.skip(name, () => it(`needs ${what}`, () => undefined));
    return;
  }
  describe(name, () => {
    it('requires its tools', () => {
      throw new Error(`Missing tool(s): ${what}. Install them (.ci/run does), or set CWS_ALLOW_MISSING_TOOLS=1 to skip these tests knowingly.`);
    });
  });
}

/** Runs a command and returns stdout even when it exits non-zero after printing (fpcalc does on a cut last frame). */
export function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 }).toString();
  } catch (e) {
    const out = (e as { stdout?: Buffer }).stdout?.toString() ?? '';
    if (out.trim()) return out;
    throw e;
  }
}
