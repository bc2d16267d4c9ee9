/**
 * transparency-dev/merkle's published proof vectors (testdata/inclusion and
 * testdata/consistency): every happy path must verify, every wantErr case
 * must throw a LedgerError.
 */
import path from 'node:path';
import { expect, it } from 'vitest';
import { LedgerError, verifyConsistency, verifyInclusion } from '../../../src/ledger/index.js';
import { b64, describeWithVectors, jsonFilesUnder, readJson } from './vectors.js';

interface InclusionVector {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyVector {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

function expectOutcome(run: () => void, wantErr: boolean): void {
  if (wantErr) expect(run).toThrow(LedgerError);
  else expect(run).not.toThrow();
}

describeWithVectors('RFC 9162 inclusion vectors (transparency-dev/merkle)', ['merkle/testdata/inclusion'], (dir) => {
  const root = path.join(dir, 'merkle/testdata/inclusion');
  const files = jsonFilesUnder(root);
  it('finds the vector files', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    const v = readJson(file) as InclusionVector;
    it(`${path.relative(root, file)}: ${v.desc} (wantErr ${v.wantErr})`, () => {
      expectOutcome(() => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root)), v.wantErr);
    });
  }
});

describeWithVectors('RFC 9162 consistency vectors (transparency-dev/merkle)', ['merkle/testdata/consistency'], (dir) => {
  const root = path.join(dir, 'merkle/testdata/consistency');
  const files = jsonFilesUnder(root);
  it('finds the vector files', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    const v = readJson(file) as ConsistencyVector;
    it(`${path.relative(root, file)}: ${v.desc} (wantErr ${v.wantErr})`, () => {
      expectOutcome(() => verifyConsistency(v.size1, v.size2, (v.proof ?? []).map(b64), b64(v.root1), b64(v.root2)), v.wantErr);
    });
  }
});
