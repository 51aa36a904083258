import { describe, expect, it } from 'vitest';
import { maskAddress, maskIdNumber, maskName, maskPhone } from '../../src/transform/masking.js';
import { redactEvent, redactFreeText } from '../../src/transform/redact.js';

describe('masking', () => {
  it('masks as CONTRACT §2 shows', () => {
    expect(maskIdNumber('50010419900101123X')).toBe('500104********123X');
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskAddress('大渡口区新山村街道钢花路94号')).toBe('大渡口区新山********');
  });

  it('redacts every personal field of a kept rejected event, wherever it sits', () => {
    const text = redactEvent({
      person: { id_number: '11010519491231002X', name: '李四' },
      data: { phone: '13912345678', contact_name: '王五', residence: { address: '大渡口区跃进村街道革新村特1号' } },
      note: 'call 13700001111 about 440524188001010014',
    });
    expect(text).not.toMatch(/11010519491231002X|李四|13912345678|王五|革新村特1号|13700001111|440524188001010014/);
    expect(text).toContain('110105********002X');
  });

  it('masks ID-shaped and phone-shaped digits in text that is not JSON', () => {
    expect(redactFreeText('{bad 11010519491231002X 13812345678')).toBe('{bad 110105********002X 138****5678');
  });
});
