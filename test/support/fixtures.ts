import { Readable } from 'node:stream';
import type { Actor, Role } from '../../src/domain/review.js';
import { samplePng } from '../../src/documents/samples.js';
import type { Platform } from '../../src/platform.js';

let n = 0;
export async function account(p: Platform, role: Role, name?: string): Promise<Actor & { username: string; password: string }> {
  const username = name ?? `${role}-${++n}-${Math.random().toString(36).slice(2, 6)}`;
  const password = 'correct horse battery';
  const u = await p.auth.createAccount(username, password, `${role} ${n}`, role);
  return { id: u.id, role, username, password };
}

export const validMetadata = (over: Record<string, unknown> = {}) => ({
  title: '校园写生',
  category: 'fine_art',
  description: 'watercolour',
  authors: [{ name: '李同学' }],
  owners: [{ name: '李同学', kind: 'person', share: 70 }, { name: '示范大学', kind: 'institution', share: 30 }],
  completedOn: '2026-03-01',
  publication: { status: 'unpublished' },
  aiDisclosure: { used: true, tools: 'Midjourney v6', prompts: 'campus at dawn', humanContribution: 'selection and arrangement', claimedParts: 'text and arrangement', excludedParts: 'generated images' },
  ...over,
});

export async function stagePng(p: Platform, seed: number, name = `img-${seed}.png`) {
  return p.registration.stage(Readable.from([samplePng(seed)]), name);
}
