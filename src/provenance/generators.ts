import { preview } from './bytes.js';
import type { ComfyTrace, ExifTrace, SdTrace } from './types.js';

/**
 * Traces that image and media generators leave in ordinary metadata fields. The list names
 * tools, not proof: a field can be edited, and a name in a comment may only mention a tool.
 */
const GENERATORS: [RegExp, string][] = [
  [/midjourney/i, 'Midjourney'],
  [/dall[·\-\s]?e/i, 'DALL·E'],
  [/\bchatgpt\b|\bgpt-?4o\b|\bopenai\b/i, 'OpenAI'],
  [/stable[\s-]?diffusion|\bsdxl\b|\bsd ?[123](?:\.\d)?\b/i, 'Stable Diffusion'],
  [/automatic1111|stable-diffusion-webui|\bforge\b.*webui/i, 'Stable Diffusion WebUI'],
  [/comfyui/i, 'ComfyUI'],
  [/invokeai/i, 'InvokeAI'],
  [/novelai/i, 'NovelAI'],
  [/fooocus/i, 'Fooocus'],
  [/adobe firefly|\bfirefly\b/i, 'Adobe Firefly'],
  [/\bimagen\b|google ai|\bgemini\b/i, 'Google (Imagen/Gemini)'],
  [/leonardo\.?ai/i, 'Leonardo.Ai'],
  [/ideogram/i, 'Ideogram'],
  [/\bflux\.1\b|black forest labs/i, 'FLUX (Black Forest Labs)'],
  [/\bsora\b|runway(?:ml)?\b|\bgen-?[234]\b/i, 'Sora / Runway'],
  [/kling|可灵/i, 'Kling (可灵)'],
  [/jimeng|dreamina|即梦/i, 'Jimeng / Dreamina (即梦)'],
  [/doubao|豆包/i, 'Doubao (豆包)'],
  [/tongyi|wanx|通义万相|通义/i, 'Tongyi Wanxiang (通义万相)'],
  [/文心一格|ernie-?vilg|文心/i, 'ERNIE / Wenxin (文心)'],
  [/hunyuan|混元/i, 'Hunyuan (混元)'],
  [/cogview|智谱|zhipu/i, 'CogView (智谱)'],
  [/\bsuno\b|\budio\b|elevenlabs/i, 'AI audio (Suno / Udio / ElevenLabs)'],
  [/bing image creator|microsoft designer|image creator from microsoft/i, 'Microsoft Designer / Bing Image Creator'],
  [/dreamstudio|playground ?ai|nightcafe|craiyon|wombo/i, 'online image generator'],
];

/** Metadata keys whose value names the producing software (a match there is a strong trace). */
const SOFTWARE_KEYS = /^(software|creatortool|producer|creator|application|encoder|tsse|tenc|©too|make|model|generator|source|encoded_by)$/i;
/** Free-text keys (a match is only a hint). */
const TEXT_KEYS = /^(comment|description|imagedescription|usercomment|xpcomment|xpsubject|artist|author|title|subject|keywords|credit|©cmt)$/i;

export function generatorOf(value: string): string | null {
  for (const [re, name] of GENERATORS) if (re.test(value)) return name;
  return null;
}

export function generatorTrace(key: string, value: string, location: string): ExifTrace | null {
  const strong = SOFTWARE_KEYS.test(key);
  if (!strong && !TEXT_KEYS.test(key)) return null;
  const generator = generatorOf(value);
  if (!generator) return null;
  return {
    kind: 'exif',
    location,
    ai: strong ? 'yes' : 'possible',
    summary: `${key} names an AI generator (${generator}): ${JSON.stringify(preview(value, 80))}`,
    problems: [],
    tag: key,
    value: preview(value, 300),
    generator,
  };
}

/** Stable Diffusion WebUI (A1111, Forge, SD.Next) `parameters` text: prompt, "Negative prompt:", then "Steps: …, Sampler: …". */
export function parseSdParameters(text: string, location: string): SdTrace | null {
  const lines = text.split(/\r?\n/);
  let settingsAt = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/^Steps:\s*\d+/.test(lines[i]!)) {
      settingsAt = i;
      break;
    }
  }
  const parameters: Record<string, string> = {};
  if (settingsAt >= 0) {
    for (const m of lines[settingsAt]!.matchAll(/\s*([\w .()/-]+):\s*("(?:[^"\\]|\\.)*"|[^,]*)(?:,|$)/g)) parameters[m[1]!.trim()] = m[2]!.trim();
  }
  const body = (settingsAt >= 0 ? lines.slice(0, settingsAt) : lines).join('\n');
  const neg = body.indexOf('Negative prompt:');
  const prompt = (neg >= 0 ? body.slice(0, neg) : body).trim();
  const negativePrompt = neg >= 0 ? body.slice(neg + 16).trim() : undefined;
  if (settingsAt < 0 && neg < 0) {
    return { kind: 'sd-parameters', location, ai: 'possible', summary: 'a "parameters" text that is not in the Stable Diffusion WebUI layout', problems: [{ code: 'sd_unparsed', severity: 'warning', message: 'no "Steps:" line and no "Negative prompt:" found', location }], prompt: preview(prompt, 2000), parameters };
  }
  const model = parameters.Model ?? parameters['Model hash'];
  return {
    kind: 'sd-parameters',
    location,
    ai: 'yes',
    summary: `Stable Diffusion WebUI generation parameters${model ? ` (model ${model})` : ''}${parameters.Seed ? `, seed ${parameters.Seed}` : ''}`,
    problems: [],
    prompt: preview(prompt, 2000),
    ...(negativePrompt !== undefined ? { negativePrompt: preview(negativePrompt, 2000) } : {}),
    parameters,
  };
}

/** Other generators' JSON blocks (InvokeAI, NovelAI "Comment", Fooocus) in the same family of traces. */
export function parseGeneratorJson(key: string, text: string, location: string): SdTrace | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const r = o as Record<string, unknown>;
  const prompt = typeof r.prompt === 'string' ? r.prompt : typeof r.positive_prompt === 'string' ? r.positive_prompt : null;
  const hasGen = prompt !== null && ('steps' in r || 'sampler' in r || 'seed' in r || 'model' in r || 'cfg_scale' in r || 'scale' in r);
  if (!hasGen) return null;
  const parameters: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) if (k !== 'prompt' && (typeof v === 'string' || typeof v === 'number')) parameters[k] = preview(String(v), 200);
  return { kind: 'sd-parameters', location, ai: 'yes', summary: `image generation parameters in "${key}" (prompt, seed, sampler…)`, problems: [], prompt: preview(prompt, 2000), parameters };
}

/** ComfyUI embeds its API graph (`prompt`) and its editor graph (`workflow`) as JSON text chunks. */
export function parseComfy(chunk: 'prompt' | 'workflow', text: string, location: string): ComfyTrace | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    return { kind: 'comfyui', location, ai: 'possible', summary: `a "${chunk}" chunk that is not valid JSON`, problems: [{ code: 'comfy_invalid_json', severity: 'warning', message: `ComfyUI ${chunk} is not valid JSON: ${(e as Error).message}`, location }], chunk, nodeTypes: [], prompts: [] };
  }
  if (!o || typeof o !== 'object') return null;
  const nodes: Record<string, unknown>[] = chunk === 'workflow' ? (Array.isArray((o as { nodes?: unknown }).nodes) ? ((o as { nodes: Record<string, unknown>[] }).nodes) : []) : Object.values(o as Record<string, unknown>).filter((n): n is Record<string, unknown> => !!n && typeof n === 'object');
  const types = new Set<string>();
  const prompts: string[] = [];
  for (const n of nodes.slice(0, 5000)) {
    const t = chunk === 'workflow' ? n.type : n.class_type;
    if (typeof t === 'string') types.add(t);
    if (chunk === 'prompt' && typeof t === 'string' && /CLIPTextEncode/i.test(t)) {
      const txt = (n.inputs as Record<string, unknown> | undefined)?.text;
      if (typeof txt === 'string') prompts.push(preview(txt, 1000));
    }
    if (chunk === 'workflow' && typeof t === 'string' && /CLIPTextEncode/i.test(t) && Array.isArray(n.widgets_values) && typeof n.widgets_values[0] === 'string') prompts.push(preview(n.widgets_values[0], 1000));
  }
  if (!types.size) return null;
  const sampler = [...types].some((t) => /KSampler|SamplerCustom|CheckpointLoader|UNETLoader/i.test(t));
  return {
    kind: 'comfyui',
    location,
    ai: sampler ? 'yes' : 'possible',
    summary: `ComfyUI ${chunk} graph with ${types.size} node types${sampler ? ' including a sampler' : ''}`,
    problems: [],
    chunk,
    nodeTypes: [...types].slice(0, 50),
    prompts: prompts.slice(0, 10),
  };
}
