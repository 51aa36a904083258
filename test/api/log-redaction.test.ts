import { describe, expect, it } from 'vitest';
import { redactedUrl } from '../../src/api/log-redaction.js';

describe('redactedUrl', () => {
  it('keeps the path and the parameter names, never a value', () => {
    expect(redactedUrl('/v1/rejections?institution=11010519491231002X&reason=id_format&page=2')).toBe('/v1/rejections?institution=*&reason=*&page=*');
    expect(redactedUrl('/v1/indicators')).toBe('/v1/indicators');
  });

  it('does not echo a parameter name that carries data', () => {
    expect(redactedUrl('/v1/x?13812345678%E5%BC%A0%E4%B8%89=1')).toBe('/v1/x??=*');
  });
});
