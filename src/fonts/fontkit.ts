import { createRequire } from 'node:module';
import type Fontkit from '@pdf-lib/fontkit';

// fontkit costs ~34 MB resident once loaded; the server loads it only when it first draws a
// certificate or a label, so an idle server (and a large upload) stays lean.
const require = createRequire(import.meta.url);
let loaded: typeof Fontkit | undefined;

export function fontkit(): typeof Fontkit {
  return (loaded ??= require('@pdf-lib/fontkit') as typeof Fontkit);
}
