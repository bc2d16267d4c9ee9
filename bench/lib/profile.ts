import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ROOT } from './env.js';

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  /** Share of sampled time per area (package, source folder, GC, idle…), busy time only. */
  areas: { area: string; percent: number }[];
  /** Functions with the most self time, busy time only. */
  top: { fn: string; percent: number }[];
  idlePercent: number;
}

function areaOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const rel = url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '');
  const m = /^(src\/[^/]+(?:\/[^/]+)?)/.exec(rel);
  return m ? m[1]! : rel;
}

/** Samples the CPU of this process (the in-process server) until the returned function is called. */
export async function startProfile(name: string): Promise<() => Promise<ProfileSummary>> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
    session.disconnect();
    const file = path.join(ROOT, 'bench', 'results', `${name}.cpuprofile`);
    await writeFile(file, JSON.stringify(profile));
    const byFn = new Map<string, number>();
    const byArea = new Map<string, number>();
    let idle = 0;
    let total = 0;
    for (const n of profile.nodes) {
      const hits = n.hitCount ?? 0;
      if (!hits) continue;
      total += hits;
      const { functionName, url, lineNumber } = n.callFrame;
      if (functionName === '(idle)') {
        idle += hits;
        continue;
      }
      const area = areaOf(url, functionName);
      const key = `${functionName || '(anonymous)'} ${area}:${lineNumber + 1}`;
      byFn.set(key, (byFn.get(key) ?? 0) + hits);
      byArea.set(area, (byArea.get(area) ?? 0) + hits);
    }
    const busy = total - idle || 1;
    const pct = (x: number) => Math.round((1000 * x) / busy) / 10;
    const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]);
    return {
      file: path.relative(ROOT, file),
      idlePercent: Math.round((1000 * idle) / (total || 1)) / 10,
      areas: sorted(byArea).slice(0, 15).map(([area, v]) => ({ area, percent: pct(v) })),
      top: sorted(byFn).slice(0, 20).map(([fn, v]) => ({ fn, percent: pct(v) })),
    };
  };
}
