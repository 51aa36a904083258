import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/metrics/catalogue.js';
import { renderCatalogue } from '../../src/metrics/catalogue-doc.js';

describe('docs/indicators.md', () => {
  it('lists every indicator with its formula, parameters, target and source', async () => {
    const doc = renderCatalogue(CATALOGUE);
    for (const i of CATALOGUE) expect(doc).toContain(`(\`${i.id}\`)`);
    await expect(doc).toMatchFileSnapshot('../../docs/indicators.md');
  });
});
