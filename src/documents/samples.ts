import { deflateSync } from 'node:zlib';
import { crc32 } from '../provenance/bytes.js';

/** Small, valid, distinct sample files for demo data and tests (seeded, deterministic). */

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** An RGB PNG with a seeded gradient-and-circles pattern. */
export function samplePng(seed: number, width = 96, height = 64): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  const cx = (seed * 37) % width;
  const cy = (seed * 53) % height;
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0;
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - cx, y - cy);
      const o = row + 1 + x * 3;
      raw[o] = (x * 255) / width + seed * 13;
      raw[o + 1] = (y * 255) / height + seed * 7;
      raw[o + 2] = d < 12 + (seed % 9) ? 255 : (seed * 29) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** A mono 16-bit PCM WAV: a seeded two-tone melody. */
export function sampleWav(seed: number, seconds = 1, rate = 8000): Buffer {
  const n = seconds * rate;
  const data = Buffer.alloc(n * 2);
  const f1 = 220 + (seed % 24) * 20;
  const f2 = f1 * 1.5;
  for (let i = 0; i < n; i++) {
    const f = i < n / 2 ? f1 : f2;
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * f * i) / rate) * 12000), i * 2);
  }
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

const LINES = [
  '春风又绿江南岸，明月何时照我还。',
  '图书馆是大学的心脏，版权服务守护每一份创造。',
  'Every registered work tells the story of a campus that creates.',
  '数据、算法与人的选择共同塑造了这件作品。',
  'The arrangement of the text is the author\u2019s own.',
];

export function sampleText(seed: number): Buffer {
  const out: string[] = [`# 示例作品 ${seed} / Sample work ${seed}`, ''];
  for (let i = 0; i < 6; i++) out.push(`${LINES[(seed + i) % LINES.length]} (${seed}-${i})`);
  return Buffer.from(out.join('\n') + '\n', 'utf8');
}

/** A one-page PDF 1.4 with a line of text (Helvetica, ASCII), with a correct xref table. */
export function samplePdf(seed: number): Buffer {
  const text = `Copyright Workstation sample document ${seed}`;
  const stream = `BT /F1 18 Tf 60 760 Td (${text}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
