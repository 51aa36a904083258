import { describe, expect, it } from 'vitest';
import { csvField, DigitsAsText, safeCellText } from '../../src/metrics/spreadsheet-cells.js';

describe('spreadsheet cells', () => {
  it.each(['=HYPERLINK("http://evil.example","点击")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('regression: %j is never a live formula', (text) => {
    expect(safeCellText(text)).toBe(`'${text}`);
    expect(csvField(text).replace(/^"/, '')).toMatch(/^'/);
  });

  it('leaves ordinary text and numbers alone, and keeps 17-digit archive numbers as text', () => {
    expect(csvField('大渡口区')).toBe('大渡口区');
    expect(csvField(-5)).toBe('-5');
    expect(csvField(new DigitsAsText('50010400100100001'))).toBe('"=""50010400100100001"""');
    expect(() => new DigitsAsText('=1+1')).toThrow();
  });
});
