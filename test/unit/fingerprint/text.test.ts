import { describe, expect, it } from 'vitest';
import { RegistryIndex } from '../../../src/fingerprint/registry-index.js';
import { bandKeys, chunkSignatures, comparePassages, jaccardEstimate, kgramHashes, minhash, normalizeText, textPrint, winnow, TEXT_K, TEXT_WINDOW } from '../../../src/fingerprint/text.js';

const ZH = [
  '高校图书馆在人工智能生成内容时代承担着版权服务的新使命，需要为师生提供作品登记、版权咨询与合规指导。',
  '版权工作站面向全校师生开放，作品提交后由馆员审核，审核通过的作品上链存证并颁发登记证书。',
  '对于生成式人工智能参与创作的作品，申请人应当如实披露所用工具、提示词以及人类作者所做的选择与编排。',
  '图书馆还应开展版权文化教育，组织微课与讲座，帮助学生理解合理使用的边界与学术诚信的要求。',
].join('\n\n');

const EN = [
  'University libraries act as campus copyright service centres: they register works, review applications and keep evidence of authorship.',
  'A submission is compared with everything already registered before a librarian decides, so that copies of registered works are noticed early.',
  'When generative tools were used, the applicant discloses the tools, the prompts and the human selection and arrangement that the claim rests on.',
].join('\n\n');

describe('text normalisation', () => {
  it('folds full-width forms, case, punctuation and spaces, and maps back to original offsets', () => {
    const n = normalizeText('ＡＢＣ，Hello  World！１２３');
    expect(n.text).toBe('abchelloworld123');
    expect(n.offsets[3]).toBe('ＡＢＣ，'.length); // "h" of Hello
    expect(normalizeText('版权，保护。').text).toBe('版权保护');
  });
});

describe('winnowing', () => {
  it('keeps one minimum per window: every window of w k-grams holds a kept position', () => {
    const k = kgramHashes(normalizeText(EN).text);
    const w = winnow(k);
    const kept = new Set(w.positions);
    for (let s = 0; s + TEXT_WINDOW <= k.length; s++) {
      let any = false;
      for (let i = s; i < s + TEXT_WINDOW; i++) if (kept.has(i)) any = true;
      expect(any).toBe(true);
    }
    expect(w.hashes.length).toBeLessThan(k.length / 2);
  });
});

describe('matched passages', () => {
  const reorder = (t: string) => t.split('\n\n').reverse().join('\n\n');
  const punct = (t: string) => t.replace(/，/g, ',').replace(/。/g, '.').replace(/, /g, ' ; ').replace(/:/g, ' -');

  it('finds every paragraph of a Chinese text with reordered paragraphs and changed punctuation', () => {
    const b = punct(reorder(ZH));
    const cmp = comparePassages(textPrint(ZH), textPrint(b));
    expect(cmp.coverageA).toBeGreaterThan(0.8); // each paragraph boundary costs up to k characters
    expect(cmp.passages.length).toBeGreaterThanOrEqual(4);
    for (const p of cmp.passages) expect(normalizeText(ZH.slice(p.a.start, p.a.end)).text).toBe(normalizeText(b.slice(p.b.start, p.b.end)).text);
  });

  it('finds an English passage copied into a longer unrelated text', () => {
    const copied = EN.split('\n\n')[1]!;
    const host = `Preface on an unrelated subject, talking about rivers and mountains for a while. ${copied.toUpperCase()} And then it goes on about cooking rice in a clay pot for the rest of the page.`;
    const cmp = comparePassages(textPrint(EN), textPrint(host));
    expect(cmp.passages).toHaveLength(1);
    const p = cmp.passages[0]!;
    expect(normalizeText(host.slice(p.b.start, p.b.end)).text).toContain(normalizeText(copied).text.slice(TEXT_K, -TEXT_K));
  });

  it('reports nothing between unrelated texts', () => {
    expect(comparePassages(textPrint(ZH), textPrint(EN)).passages).toEqual([]);
    const other = '今天天气晴朗，我们去公园散步，看到湖边的柳树发了新芽，孩子们在草地上放风筝，老人们在亭子里下棋。';
    expect(comparePassages(textPrint(ZH), textPrint(other)).passages).toEqual([]);
  });
});

describe('MinHash and LSH', () => {
  it('estimates Jaccard similarity: identical sets 1, reordered paragraphs high, unrelated near 0', () => {
    const sig = (t: string) => minhash(kgramHashes(normalizeText(t).text));
    expect(jaccardEstimate(sig(ZH), sig(ZH))).toBe(1);
    expect(jaccardEstimate(sig(ZH), sig(ZH.split('\n\n').reverse().join("\n")))).toBeGreaterThan(0.6);
    expect(jaccardEstimate(sig(ZH), sig(EN))).toBeLessThan(0.1);
  });

  it('the registry index finds the reordered copy among unrelated texts, not the others', () => {
    const idx = new RegistryIndex();
    const keys = (t: string) => {
      const sigs = chunkSignatures(kgramHashes(normalizeText(t).text));
      const out = new Uint32Array(sigs.length * 16);
      sigs.forEach((s, i) => out.set(bandKeys(s), i * 16));
      return out;
    };
    idx.add({ sha256: 'a'.repeat(64), kind: 'text', bandKeys: keys(ZH) });
    idx.add({ sha256: 'b'.repeat(64), kind: 'text', bandKeys: keys(EN) });
    for (let i = 0; i < 200; i++) idx.add({ sha256: i.toString(16).padStart(64, 'c'), kind: 'text', bandKeys: keys(`第${i}篇无关的文章，讲述第${i * 7}个城市的历史与风物，以及那里的人们如何生活。`.repeat(3)) });
    idx.compact();
    const found = idx.searchText(keys(ZH.split('\n\n').reverse().join('\n\n')));
    expect(found[0]?.sha256).toBe('a'.repeat(64));
    expect(found.map((c) => c.sha256)).not.toContain('b'.repeat(64));
  });
});
