import type * as AssetLib from '@trustnxt/c2pa-ts/asset';
import type { Asset } from '@trustnxt/c2pa-ts/asset';
import type * as JumbfLib from '@trustnxt/c2pa-ts/jumbf';
import type * as ManifestLib from '@trustnxt/c2pa-ts/manifest';
import type { ManifestStore, ValidationResult } from '@trustnxt/c2pa-ts/manifest';
import type { C2paAction, C2paTrace, Problem } from './types.js';

// c2pa-ts and its crypto dependencies add ~35 MB resident: loaded with the first file
// inspected, not when the server starts.
let lib: Promise<{ asset: typeof AssetLib; jumbf: typeof JumbfLib; manifest: typeof ManifestLib }> | undefined;
const c2paLib = () =>
  (lib ??= Promise.all([import('@trustnxt/c2pa-ts/asset'), import('@trustnxt/c2pa-ts/jumbf'), import('@trustnxt/c2pa-ts/manifest')]).then(([asset, jumbf, manifest]) => ({ asset, jumbf, manifest })));

/** IPTC digital source types that declare AI generation (C2PA uses the same vocabulary). */
export const AI_SOURCE_TYPES = ['trainedAlgorithmicMedia', 'compositeWithTrainedAlgorithmicMedia'];
export const SYNTHETIC_SOURCE_TYPES = ['algorithmicMedia', 'compositeSynthetic'];

export const sourceTypeCode = (uri: string): string => uri.replace(/^https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\//, '').replace(/\/$/, '');

function assetFor({ JPEG, PNG, BMFF, MP3 }: typeof AssetLib, b: Uint8Array): Asset | null {
  if (JPEG.canRead(b)) return new JPEG(b);
  if (PNG.canRead(b)) return new PNG(b);
  if (BMFF.canRead(b)) return new BMFF(b);
  if (MP3.canRead(b)) return new MP3(b);
  return null;
}

const errorTrace = (location: string, problems: Problem[], summary: string): C2paTrace => ({
  kind: 'c2pa', location, ai: 'possible', summary, problems, actions: [], digitalSourceTypes: [], ingredients: [], manifests: 0,
  signature: { status: 'invalid', trusted: false, codes: [] },
});

/**
 * Reads and validates the C2PA manifest store of a JPEG, PNG, BMFF (MP4/HEIF) or MP3 file
 * with @trustnxt/c2pa-ts. Returns null when the file carries no manifest. Never throws.
 *
 * Trust: c2pa-ts checks the claim signature, the content bindings and the signer
 * certificate's C2PA profile; it is given no trust list, so `trusted` is always false —
 * a valid signature says the file is unchanged since someone signed it, not who that is.
 */
export async function readC2pa(b: Uint8Array, location: string): Promise<C2paTrace | null> {
  const { asset: assets, jumbf: { SuperBox }, manifest: { IngredientAssertion, ManifestStore, ValidationResult } } = await c2paLib();
  let asset: Asset | null;
  try {
    asset = assetFor(assets, b);
  } catch (e) {
    return errorTrace(location, [{ code: 'c2pa_container', severity: 'error', message: `the file structure around the C2PA manifest cannot be read: ${(e as Error).message}`, location }], 'C2PA manifest in an unreadable container');
  }
  if (!asset) return null;
  let jumbf: Uint8Array | undefined;
  try {
    jumbf = asset.getManifestJUMBF();
  } catch (e) {
    return errorTrace(location, [{ code: 'c2pa_jumbf', severity: 'error', message: `the C2PA JUMBF data cannot be extracted: ${(e as Error).message}`, location }], 'damaged C2PA manifest');
  }
  if (!jumbf) return null;
  let store: ManifestStore;
  try {
    store = ManifestStore.read(SuperBox.fromBuffer(jumbf as Uint8Array<ArrayBuffer>));
  } catch (e) {
    return errorTrace(location, [{ code: 'c2pa_malformed', severity: 'error', message: `the C2PA manifest store is malformed: ${(e as Error).message}`, location }], 'malformed C2PA manifest store');
  }
  let result: ValidationResult;
  try {
    result = await store.validate(asset);
  } catch (e) {
    result = ValidationResult.fromError(e as Error);
  }
  const active = store.getActiveManifest();
  const actions: C2paAction[] = [];
  const ingredients: C2paTrace['ingredients'] = [];
  for (const a of active?.assertions?.getActionAssertions() ?? []) {
    for (const x of a.actions) {
      actions.push({
        action: String(x.action),
        ...(x.digitalSourceType ? { digitalSourceType: String(x.digitalSourceType) } : {}),
        ...(x.softwareAgent?.name ? { softwareAgent: `${x.softwareAgent.name}${x.softwareAgent.version ? ` ${x.softwareAgent.version}` : ''}` } : {}),
        ...(typeof (x as unknown as { when?: unknown }).when === 'string' ? { when: (x as unknown as { when: string }).when } : {}),
      });
    }
  }
  for (const a of active?.assertions?.assertions ?? []) {
    if (a instanceof IngredientAssertion) ingredients.push({ ...(a.title ? { title: a.title } : {}), ...(a.relationship ? { relationship: String(a.relationship) } : {}), ...(a.format ? { format: a.format } : {}) });
  }
  const digitalSourceTypes = [...new Set(actions.map((a) => a.digitalSourceType).filter((x): x is string => !!x))];
  const codes = result.statusEntries.map((e) => ({ code: String(e.code), success: e.success !== false, ...(e.explanation ? { explanation: e.explanation } : {}), ...(e.url ? { url: e.url } : {}) }));
  const failures = codes.filter((c) => !c.success);
  const cert = active?.signature?.signatureData.certificate;
  const claim = active?.claim;
  const problems: Problem[] = failures.map((f) => ({ code: `c2pa:${f.code}`, severity: 'error', message: `C2PA validation failed: ${f.code}${f.explanation ? ` (${f.explanation})` : ''}${f.url ? ` at ${f.url}` : ''}`, location }));
  problems.push({ code: 'c2pa_no_trust_list', severity: 'info', message: 'no C2PA trust list is configured: a valid signature shows the file is unchanged since signing, not who signed it', location });
  const codesOf = digitalSourceTypes.map(sourceTypeCode);
  const ai = codesOf.some((c) => AI_SOURCE_TYPES.includes(c)) ? 'yes' : codesOf.some((c) => SYNTHETIC_SOURCE_TYPES.includes(c)) ? 'possible' : codesOf.length ? 'no' : 'possible';
  const generator = claim ? `${claim.claimGeneratorName ?? ''}${claim.claimGeneratorVersion ? ` ${claim.claimGeneratorVersion}` : ''}`.trim() : '';
  return {
    kind: 'c2pa',
    location,
    ai,
    summary: `C2PA manifest${generator ? ` by ${generator}` : ''}: signature ${result.isValid ? 'valid' : 'INVALID'}${codesOf.length ? `, source type ${codesOf.join(', ')}` : ''}`,
    problems,
    ...(active?.label ? { manifestLabel: active.label } : {}),
    ...(generator ? { claimGenerator: generator } : {}),
    ...(claim?.title ? { title: claim.title } : {}),
    ...(claim?.format ? { format: claim.format } : {}),
    actions,
    digitalSourceTypes,
    ingredients,
    manifests: store.manifests.length,
    signature: {
      status: result.isValid ? 'valid' : 'invalid',
      trusted: false,
      ...(cert ? { issuer: cert.issuer, subject: cert.subject } : {}),
      codes,
    },
  };
}
