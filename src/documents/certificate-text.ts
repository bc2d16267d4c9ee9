/** The certificate's bilingual wording and the formats of its dates and sizes. */
import type { CertificateData } from './certificate.js';

type Pair = { zh: string; en: string };
const pair = (zh: string, en: string): Pair => ({ zh, en });

export const labels = {
  heading: pair('作品登记证书', 'CERTIFICATE OF WORK REGISTRATION'),
  continued: pair('续', 'continued'),
  number: pair('登记号', 'Registration No.'),
  title: pair('作品名称', 'Title'),
  category: pair('作品类别', 'Category'),
  authors: pair('作者', 'Author(s)'),
  owners: pair('著作权人', 'Copyright owner(s)'),
  completedOn: pair('创作完成日期', 'Completed on'),
  publication: pair('首次发表日期', 'First published'),
  applicant: pair('申请人', 'Applicant'),
  institution: pair('审核机构', 'Reviewed by'),
  registeredOn: pair('登记日期', 'Registered on'),
  ai: pair('人工智能使用声明', 'AI-use statement'),
  aiTools: pair('使用的AI工具', 'AI tools used'),
  aiClaimed: pair('主张权利的部分', 'Parts claimed'),
  aiExcluded: pair('排除的AI生成部分', 'AI-generated parts excluded'),
  files: pair('作品文件及其 SHA-256', 'Files of the work and their SHA-256'),
  log: pair('登记簿日志（可公开验证）', 'Registry log (publicly verifiable)'),
  logIndex: pair('日志序号', 'Log index'),
  checkpoint: pair('签名检查点', 'Signed checkpoint'),
  scan: pair('扫码查证', 'Scan to verify this registration'),
  seal: pair('登记机构签章', 'Seal of the registering institution'),
  origin: 'origin',
  treeSize: 'tree size',
  rootHash: 'root hash',
  unpublished: '未发表  Unpublished',
  aiNone: '申请人声明：本作品的创作未使用人工智能生成内容。  The applicant states that no AI-generated content was used in creating this work.',
  footer: '版权工作站 Copyright Workstation',
  statementZh: (applicant: string, institution: string) => `以上事项，由 ${applicant} 申请，经 ${institution} 审核，根据《作品自愿登记试行办法》规定，予以登记。`,
  statementEn: (applicant: string, institution: string) =>
    `The above particulars were filed by ${applicant}, reviewed by ${institution} and are registered under the Trial Measures for the Voluntary Registration of Works.`,
  pageOf: (i: number, n: number) => `第 ${i} / ${n} 页  Page ${i} of ${n}`,
};

/** Every character of the fixed wording (font selection must cover them). */
export const LABEL_CHARACTERS = [
  ...Object.values(labels).map((v) => (typeof v === 'string' ? v : typeof v === 'function' ? '' : `${v.zh}${v.en}`)),
  labels.statementZh('', ''),
  labels.statementEn('', ''),
  labels.pageOf(0, 0),
  '0123456789—?·()%（）、：:.,-',
].join('');

const ZH_DIGITS = '〇一二三四五六七八九';

function parts(iso: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

/** 2026-03-01 → 2026年3月1日 */
export function formatDateZh(iso: string): string {
  const p = parts(iso);
  return p ? `${p[0]}年${p[1]}月${p[2]}日` : iso;
}

/** 2026-03-01 → 1 March 2026 */
export function formatDateEn(iso: string): string {
  const p = parts(iso);
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return p ? `${p[2]} ${months[p[1] - 1]} ${p[0]}` : iso;
}

const zhNumber = (n: number): string => {
  if (n < 10) return ZH_DIGITS[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : ZH_DIGITS[tens]}十${n % 10 ? ZH_DIGITS[n % 10] : ''}`;
};

/** The seed certificate writes the registration date in Chinese numerals: 二〇二三年七月三日. */
export function formatRegistrationDateZh(iso: string): string {
  const p = parts(iso);
  if (!p) return iso;
  return `${[...String(p[0])].map((d) => ZH_DIGITS[Number(d)]).join('')}年${zhNumber(p[1])}月${zhNumber(p[2])}日`;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}, ${bytes} bytes`;
}

export const ownersText = (owners: CertificateData['owners']): string => owners.map((o) => `${o.name}（${o.share}%）`).join('、');

export function publicationText(p: CertificateData['publication']): string {
  if (p.status !== 'published') return labels.unpublished;
  return `${formatDateZh(p.date)}，${p.place}  (${formatDateEn(p.date)}, ${p.place})`;
}
