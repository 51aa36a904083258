// docs/indicators.md, rendered from the catalogue so that the document cannot drift from it.
import type { Filter, Indicator } from './indicator-schema.js';

function filterText(f: Filter): string {
  if ('all' in f) return `(${f.all.map(filterText).join(' AND ')})`;
  if ('any' in f) return `(${f.any.map(filterText).join(' OR ')})`;
  if ('not' in f) return `NOT ${filterText(f.not)}`;
  if ('when_param' in f) return `(when {${f.when_param}} = ${JSON.stringify(f.is)}: ${filtersText(f.use)}; otherwise: ${filtersText(f.otherwise)})`;
  const right = f.param !== undefined ? `{${f.param}}` : f.op === 'is_null' || f.op === 'is_not_null' ? '' : JSON.stringify(f.value);
  return `${f.column} ${f.op} ${right}`.trim();
}

function filtersText(filters: readonly Filter[]): string {
  return filters.length === 0 ? '—' : filters.map(filterText).join(' AND ');
}

export function renderCatalogue(catalogue: readonly Indicator[]): string {
  const lines = [
    '# Indicators · 指标目录',
    '',
    'Rendered from `src/metrics/catalogue.ts` by `test/metrics/catalogue-doc.test.ts` (update with `npx vitest -u`).',
    'Every indicator is a declaration compiled by `src/metrics/compile.ts`; parameters are bound values a',
    'district can change without code (`pipelines/indicators.json`). Rates are numerator / denominator in 0..1,',
    'null when the denominator is 0. Definitions v2: see "Changed in v2" at the end.',
    '',
  ];
  for (const i of catalogue) {
    lines.push(
      `## ${i.name_zh} · ${i.name_en} (\`${i.id}\`)`,
      '',
      `- Formula: ${i.formula_zh}`,
      `- Subject: ${i.subject === 'person' ? 'one row per person (deduplicated by ID)' : 'one row per person and program'}`,
      `- Counted at all: ${filtersText(i.where)}`,
      `- Numerator: ${i.numerator.description} — ${filtersText(i.numerator.filters)}`,
      `- Denominator: ${i.denominator.description} — ${'population' in i.denominator ? `population group \`${i.denominator.population}\`` : filtersText(i.denominator.filters)}`,
      `- Parameters: ${Object.keys(i.parameters).length === 0 ? '—' : Object.entries(i.parameters).map(([k, v]) => `\`${k}\` = ${JSON.stringify(v)}`).join(', ')}`,
      `- Target: ${i.target === null ? 'none set' : `${Math.round(i.target * 100)}%`}`,
      `- Source: ${i.source}`,
      `- Changed in v2: ${i.changed_in_v2 || '—'}`,
      '',
    );
  }
  lines.push(
    '## Changed in v2 · 定义第二版的变化',
    '',
    'Definitions v2 (DOMAIN.md) follow the 考核指标 of the 3rd edition; a figure re-evaluated for an earlier year',
    'moves for these reasons. General rules that touch every indicator: follow-ups are distinct visit days, and',
    'face-to-face means clinic or home; linked identifiers are one person (`as_of` before the link keeps them apart);',
    "a person's region is their latest residence on any record (follow-ups and deliveries included), else the earliest",
    "of later records; cohort windows (newborn, postpartum, TB first visit) may end in January of Y+1.",
    '',
    '| indicator | v1 rule → v2 rule |',
    '|---|---|',
    ...catalogue.map((i) => `| \`${i.id}\` | ${i.changed_in_v2 || '—'} |`),
    '',
  );
  return lines.join('\n');
}
