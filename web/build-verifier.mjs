// Builds dist/web/verifier.html: the offline evidence verifier as ONE file (script and
// styles inline), so a judge can open it from disk with no server (docs/evidence-package.md).
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = await build({ entryPoints: [path.join(root, 'web/src/verifier/standalone.ts')], bundle: true, format: 'iife', target: 'es2022', minify: true, write: false, platform: 'browser' });
const js = out.outputFiles[0].text.replace(/<\/script/gi, '<\\/script');
const html = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'">
<title>证据包离线核验 · Evidence package verifier</title>
<style>
body{font:15px/1.6 system-ui,sans-serif;max-width:760px;margin:40px auto;padding:0 16px;color:#222}
label{display:block;margin:16px 0 4px;font-weight:600}
#result{margin-top:24px;padding:16px;border-radius:8px;border:1px solid #ddd}
#result.ok{background:#f0fff4;border-color:#52c41a}#result.bad{background:#fff1f0;border-color:#ff4d4f}
.hint{color:#666;font-size:13px}
</style>
</head>
<body>
<h1>证据包离线核验 <small>Evidence package verifier</small></h1>
<p class="hint">本页面不联网、不上传：在本机浏览器中核验签名检查点与包含证明。This page works offline and uploads nothing: the signed checkpoint and the inclusion proof are checked here, in your browser. 见 / see docs/evidence-package.md; <code>cws verify</code> also checks witness cosignatures, RFC 3161 timestamps and disclosed fields.</p>
<label for="package">证据包 Evidence package (.json)</label>
<input id="package" type="file" accept=".json,application/json">
<label for="content">作品文件（可选） Work files (optional)</label>
<input id="content" type="file" multiple>
<p class="hint">也可把文件拖到本页面。Or drop the files anywhere on this page.</p>
<div id="result" data-code="">—</div>
<script>${js}</script>
</body>
</html>
`;
await mkdir(path.join(root, 'dist/web'), { recursive: true });
await writeFile(path.join(root, 'dist/web/verifier.html'), html);
console.log(`dist/web/verifier.html: ${html.length} bytes`);
