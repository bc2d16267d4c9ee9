/**
 * verifier.html: the evidence check as one static page that works opened from disk, with
 * no server and no network. Drop the evidence package (and optionally the work files);
 * everything runs here with WebCrypto (src/documents/evidence-verify-web.ts).
 */
import { sha256Hex, verifyEvidenceWeb } from '../../../src/documents/evidence-verify-web';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

async function run(): Promise<void> {
  const pkgInput = $<HTMLInputElement>('package');
  const contentInput = $<HTMLInputElement>('content');
  const out = $<HTMLDivElement>('result');
  const pkg = pkgInput.files?.[0];
  if (!pkg) return;
  out.className = 'busy';
  out.textContent = '…';
  const hashes = await Promise.all(Array.from(contentInput.files ?? []).map(async (f) => sha256Hex(await f.arrayBuffer())));
  const v = await verifyEvidenceWeb(await pkg.text(), hashes);
  out.replaceChildren();
  const head = document.createElement('h2');
  const detail = document.createElement('p');
  if (v.ok) {
    // An authentic package of a revoked registration is not a valid registration: say so first.
    const revoked = v.state === 'revoked';
    out.className = revoked ? 'bad' : 'ok';
    out.dataset.code = revoked ? 'REVOKED' : 'VALID';
    out.dataset.state = v.state;
    head.textContent = revoked
      ? `已撤销 REVOKED — ${v.registrationNumber}（证据真实，登记已撤销 / authentic package, registration revoked）`
      : `有效 VALID${v.state === 'corrected' ? '（已更正 / corrected）' : ''} — ${v.registrationNumber}`;
    detail.textContent =
      `第 ${v.index} 条记录包含于 ${v.origin} 大小为 ${v.treeSize} 的签名检查点 / entry ${v.index} is included in the checkpoint of size ${v.treeSize} signed by ${v.origin}.` +
      (hashes.length ? ` 文件哈希相符 / ${hashes.length} file(s) match.` : '') +
      v.events.map((e) => ` 第 ${e.index} 条：${e.kind === 'revocation' ? '撤销' : '更正'} / entry ${e.index}: ${e.kind} (${e.createdAt}), proven.`).join('');
  } else {
    out.className = 'bad';
    out.dataset.code = v.code;
    head.textContent = `无效 INVALID ${v.code}`;
    detail.textContent = v.message;
  }
  out.append(head, detail);
}

for (const id of ['package', 'content']) $<HTMLInputElement>(id).addEventListener('change', () => void run());
document.addEventListener('dragover', (e) => e.preventDefault());
document.addEventListener('drop', (e) => {
  e.preventDefault();
  const files = Array.from(e.dataTransfer?.files ?? []);
  const json = files.filter((f) => f.name.endsWith('.json'));
  const rest = files.filter((f) => !f.name.endsWith('.json'));
  const set = (input: HTMLInputElement, list: File[]) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(f);
    input.files = dt.files;
  };
  if (json[0]) set($<HTMLInputElement>('package'), [json[0]]);
  if (rest.length) set($<HTMLInputElement>('content'), rest);
  void run();
});
