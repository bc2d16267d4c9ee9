/**
 * Work categories of Art. 3 of the PRC Copyright Law, as split by registration practice.
 * Codes A (文字), F (美术) and L (其他) are confirmed by public registration records; the
 * other letters follow the order of the registration forms and are our documented choice
 * (README, "Registration numbers"). Operators may override any code with CWS_CATEGORY_CODES.
 */
export const CATEGORIES = [
  { key: 'text', code: 'A', zh: '文字作品', en: 'Literary (written) work' },
  { key: 'oral', code: 'B', zh: '口述作品', en: 'Oral work' },
  { key: 'music', code: 'C', zh: '音乐作品', en: 'Musical work' },
  { key: 'drama', code: 'D', zh: '戏剧作品', en: 'Dramatic work' },
  { key: 'quyi', code: 'E', zh: '曲艺作品', en: 'Quyi (folk performing) work' },
  { key: 'fine_art', code: 'F', zh: '美术作品', en: 'Work of fine art' },
  { key: 'photography', code: 'G', zh: '摄影作品', en: 'Photographic work' },
  { key: 'audiovisual', code: 'H', zh: '视听作品', en: 'Audiovisual work' },
  { key: 'dance', code: 'I', zh: '舞蹈作品', en: 'Choreographic work' },
  { key: 'design_drawing', code: 'J', zh: '工程设计图、产品设计图', en: 'Engineering or product design drawing' },
  { key: 'map', code: 'K', zh: '地图、示意图等图形作品', en: 'Map, sketch or other graphic work' },
  { key: 'other', code: 'L', zh: '其他作品', en: 'Other work' },
  { key: 'architecture', code: 'M', zh: '建筑作品', en: 'Architectural work' },
  { key: 'model', code: 'N', zh: '模型作品', en: 'Model' },
  { key: 'acrobatics', code: 'P', zh: '杂技艺术作品', en: 'Acrobatic work' },
  { key: 'software', code: 'R', zh: '计算机软件', en: 'Computer software' },
] as const;

export type CategoryKey = (typeof CATEGORIES)[number]['key'];
export const CATEGORY_KEYS = CATEGORIES.map((c) => c.key) as readonly CategoryKey[];

export function isCategory(v: unknown): v is CategoryKey {
  return typeof v === 'string' && (CATEGORY_KEYS as readonly string[]).includes(v);
}

/** Merges operator overrides ("fine_art=F,software=R") over the defaults. */
export function categoryCodes(overrides: string | undefined): Record<CategoryKey, string> {
  const codes = Object.fromEntries(CATEGORIES.map((c) => [c.key, c.code])) as Record<CategoryKey, string>;
  if (!overrides) return codes;
  for (const pair of overrides.split(',')) {
    const [k, v] = pair.split('=').map((s) => s.trim());
    if (!k || !v || !isCategory(k) || !/^[A-Z0-9]{1,3}$/.test(v)) {
      throw new Error(`CWS_CATEGORY_CODES: cannot read "${pair}" (expected key=CODE, e.g. fine_art=F)`);
    }
    codes[k] = v;
  }
  return codes;
}
