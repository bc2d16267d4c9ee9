import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { CategoryKey } from '../domain/categories.js';
import type { Actor, Role } from '../domain/review.js';
import { samplePdf, samplePng, sampleText, sampleWav } from '../documents/samples.js';
import type { Store } from '../repositories/store.js';
import type { AuthService } from './auth.service.js';
import type { RegistrationService } from './registration.service.js';
import type { ReviewService } from './review.service.js';

export interface DemoAccount {
  username: string;
  password: string;
  role: Role;
  created: boolean;
}

const KINDS: { ext: string; category: CategoryKey; make: (seed: number) => Buffer; title: string }[] = [
  { ext: 'png', category: 'fine_art', make: samplePng, title: '校园写生' },
  { ext: 'wav', category: 'music', make: sampleWav, title: '校歌变奏' },
  { ext: 'md', category: 'text', make: sampleText, title: '图书馆随笔' },
  { ext: 'pdf', category: 'design_drawing', make: samplePdf, title: '实验装置设计图' },
];

/** A living demo institution: one account per role and N registrations in every state. */
export class DemoService {
  constructor(
    private readonly store: Store,
    private readonly auth: AuthService,
    private readonly registration: RegistrationService,
    private readonly review: ReviewService,
  ) {}

  async accounts(): Promise<DemoAccount[]> {
    const wanted: { username: string; role: Role; name: string }[] = [
      { username: 'demo-admin', role: 'admin', name: '演示管理员' },
      { username: 'demo-reviewer', role: 'reviewer', name: '图书馆审核员' },
      { username: 'demo-creator', role: 'creator', name: '李同学' },
      { username: 'demo-judicial', role: 'judicial', name: '互联网法院（演示）' },
    ];
    const out: DemoAccount[] = [];
    for (const w of wanted) {
      const existing = await this.store.repos.users.byUsername(w.username);
      if (existing) {
        out.push({ username: w.username, password: '(unchanged)', role: w.role, created: false });
        continue;
      }
      const password = `demo-${randomBytes(6).toString('base64url')}`;
      await this.auth.createAccount(w.username, password, w.name, w.role, { realName: w.name, campusId: `2026${w.role.length}${out.length}`, unit: '图书馆' });
      out.push({ username: w.username, password, role: w.role, created: true });
    }
    return out;
  }

  /** Creates n registrations: ~75 % approved, ~10 % rejected, the rest waiting for review. */
  async registrations(n: number, onProgress?: (done: number) => void): Promise<{ approved: number; rejected: number; pending: number }> {
    const creator = await this.store.repos.users.byUsername('demo-creator');
    const reviewer = await this.store.repos.users.byUsername('demo-reviewer');
    if (!creator || !reviewer) throw new Error('demo accounts missing; run accounts() first');
    const c: Actor = { id: creator.id, role: 'creator' };
    const r: Actor = { id: reviewer.id, role: 'reviewer' };
    const counts = { approved: 0, rejected: 0, pending: 0 };
    const base = Date.now() % 100_000;
    for (let i = 0; i < n; i++) {
      const k = KINDS[i % KINDS.length]!;
      const seed = base + i;
      const staged = await this.registration.stage(Readable.from([k.make(seed)]), `sample-${seed}.${k.ext}`);
      const aiUsed = i % 5 === 0;
      const w = await this.registration.create(c, {
        title: `${k.title} No.${i + 1}`,
        category: k.category,
        description: '演示数据 / demo data',
        authors: [{ name: '李同学' }, ...(i % 3 === 0 ? [{ name: '王老师' }] : [])],
        owners: i % 4 === 0 ? [{ name: '李同学', kind: 'person', share: 60 }, { name: '示范大学', kind: 'institution', share: 40 }] : [{ name: '李同学', kind: 'person', share: 100 }],
        completedOn: '2026-03-01',
        publication: i % 2 === 0 ? { status: 'published', date: '2026-04-01', place: '校园网' } : { status: 'unpublished' },
        aiDisclosure: aiUsed
          ? { used: true, tools: 'Stable Diffusion XL', prompts: 'campus at dawn, watercolor', humanContribution: '选择、编排与后期修改', claimedParts: '构图编排与手绘修改部分', excludedParts: 'AI 生成的底图' }
          : { used: false },
      }, [staged], true);
      const roll = i % 20;
      if (roll < 15) {
        await this.review.decide(r, w.id, 'approve');
        counts.approved++;
      } else if (roll < 17) {
        await this.review.decide(r, w.id, 'reject', '作品文件与登记信息不符（演示）');
        counts.rejected++;
      } else {
        counts.pending++;
      }
      if (onProgress && (i + 1) % 50 === 0) onProgress(i + 1);
    }
    onProgress?.(n);
    return counts;
  }
}
