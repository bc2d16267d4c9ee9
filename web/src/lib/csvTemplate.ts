/** Columns of the batch-import CSV (docs/import.md). */
export const IMPORT_COLUMNS = [
  'title',
  'category',
  'authors',
  'owners',
  'completed_on',
  'published_on',
  'published_place',
  'description',
  'ai_used',
  'ai_tools',
  'ai_prompts',
  'ai_human_contribution',
  'ai_claimed_parts',
  'ai_excluded_parts',
  'files',
] as const;

/**
 * One example row in the format the server parses: lists separated by ";", owners as
 * "name:share" with "|institution" for an institution, dates YYYY-MM-DD, ai_used yes/no.
 */
const EXAMPLE_ROW = [
  '示例作品（请替换）',
  '美术',
  '张三;李四',
  '张三:60;示范大学|institution:40',
  '2025-03-01',
  '',
  '',
  '作品说明',
  'no',
  '',
  '',
  '',
  '',
  '',
  'image1.png;poem.txt',
];

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** Downloads a CSV template (UTF-8 with BOM so spreadsheet programs read Chinese correctly). */
export function downloadCsvTemplate(filename = 'import-template.csv'): void {
  const content = '\uFEFF' + [IMPORT_COLUMNS.join(','), EXAMPLE_ROW.map(csvCell).join(',')].join('\r\n') + '\r\n';
  const blob = new Blob([content], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
