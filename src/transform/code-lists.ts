// National code lists for the coded fields of the personal basic information form.
// Each field accepts the code or its Chinese label and is stored as the code.

export interface CodeList {
  readonly field: string;
  /** code → Chinese label */
  readonly labels: Readonly<Record<string, string>>;
  /** further spellings (English words, legacy numbers) → code */
  readonly aliases?: Readonly<Record<string, string>>;
}

const ETHNIC_NAMES = [
  '汉族', '蒙古族', '回族', '藏族', '维吾尔族', '苗族', '彝族', '壮族', '布依族', '朝鲜族', '满族', '侗族',
  '瑶族', '白族', '土家族', '哈尼族', '哈萨克族', '傣族', '黎族', '傈僳族', '佤族', '畲族', '高山族', '拉祜族',
  '水族', '东乡族', '纳西族', '景颇族', '柯尔克孜族', '土族', '达斡尔族', '仫佬族', '羌族', '布朗族', '撒拉族',
  '毛南族', '仡佬族', '锡伯族', '阿昌族', '普米族', '塔吉克族', '怒族', '乌孜别克族', '俄罗斯族', '鄂温克族',
  '德昂族', '保安族', '裕固族', '京族', '塔塔尔族', '独龙族', '鄂伦春族', '赫哲族', '门巴族', '珞巴族', '基诺族',
];

/** GB 3304-1991 (two-digit codes 01–56, 97 other, 98 of foreign origin). */
export const ETHNICITY: CodeList = {
  field: 'ethnicity',
  labels: {
    ...Object.fromEntries(ETHNIC_NAMES.map((name, i) => [String(i + 1).padStart(2, '0'), name])),
    '97': '其他',
    '98': '外国血统中国籍人士',
  },
};

export const RESIDENCE_TYPE: CodeList = {
  field: 'residence_type',
  labels: { registered: '户籍', non_registered: '非户籍' },
  aliases: { '1': 'registered', '2': 'non_registered' },
};

/** Blood type as on the basic information form: 1 A, 2 B, 3 O, 4 AB, 5 不详. */
export const BLOOD_TYPE: CodeList = {
  field: 'blood_type',
  labels: { A: 'A型', B: 'B型', O: 'O型', AB: 'AB型', unknown: '不详' },
  aliases: { '1': 'A', '2': 'B', '3': 'O', '4': 'AB', '5': 'unknown', a: 'A', b: 'B', o: 'O', ab: 'AB' },
};

export const RH: CodeList = {
  field: 'rh',
  labels: { negative: '阴性', positive: '阳性', unknown: '不详' },
  aliases: { '1': 'negative', '2': 'positive', '3': 'unknown', 'RH阴性': 'negative', 'RH阳性': 'positive' },
};

/** Education as coded on the 3rd-edition form (GB/T 4658 groups). */
export const EDUCATION: CodeList = {
  field: 'education',
  labels: {
    '1': '研究生', '2': '大学本科', '3': '大学专科和专科学校', '4': '中等专业学校', '5': '技工学校',
    '6': '高中', '7': '初中', '8': '小学', '9': '文盲或半文盲', '10': '不详',
  },
};

/** Occupation major groups (GB/T 6565) as on the 3rd-edition form. */
export const OCCUPATION: CodeList = {
  field: 'occupation',
  labels: {
    '0': '国家机关、党群组织、企业、事业单位负责人', '1': '专业技术人员', '2': '办事人员和有关人员',
    '3': '商业、服务业人员', '4': '农、林、牧、渔、水利业生产人员', '5': '生产、运输设备操作人员及有关人员',
    '6': '军人', '7': '不便分类的其他从业人员', '8': '无职业',
  },
};

/** GB/T 2261.2 marital status. */
export const MARITAL_STATUS: CodeList = {
  field: 'marital_status',
  labels: { '10': '未婚', '20': '已婚', '30': '丧偶', '40': '离婚', '90': '未说明的婚姻状况' },
  aliases: { '1': '10', '2': '20', '3': '30', '4': '40', '5': '90' },
};

/** Why a program was exited (CONTRACT v1.1: coded `program.exited` reasons). */
export const EXIT_REASON: CodeList = {
  field: 'exit_reason',
  labels: { completed: '完成疗程', cured: '治愈', died: '死亡', moved_out: '迁出', lost: '失访', treatment_failed: '失败', other: '其他' },
  aliases: { 治疗失败: 'treatment_failed', 死亡: 'died', death: 'died', lost_to_follow_up: 'lost' },
};

export type CodedValue = { code: string; known: true } | { code: string; known: false };

const lookups = new WeakMap<CodeList, Map<string, string>>();

/** Every accepted spelling of a list → its code, built once per list. */
function lookupOf(list: CodeList): Map<string, string> {
  let lookup = lookups.get(list);
  if (lookup) return lookup;
  lookup = new Map();
  for (const [code, label] of Object.entries(list.labels)) {
    lookup.set(label, code);
    lookup.set(label.replace(/族$|型$/, ''), code);
  }
  for (const [alias, code] of Object.entries(list.aliases ?? {})) lookup.set(alias, code);
  // Codes win over any label or alias that happens to spell the same.
  for (const code of Object.keys(list.labels)) lookup.set(code, code);
  if (list === ETHNICITY) for (let i = 1; i <= 9; i++) lookup.set(String(i), `0${i}`);
  lookups.set(list, lookup);
  return lookup;
}

/** Maps a code, label or alias to the code; an unknown value is kept verbatim and flagged. */
export function resolveCode(list: CodeList, raw: string | number): CodedValue {
  const text = String(raw).trim();
  const lookup = lookupOf(list);
  const code = lookup.get(text) ?? lookup.get(text.toLowerCase());
  return code === undefined ? { code: text, known: false } : { code, known: true };
}

/** GB/T 2261.1 sex codes: 0 unknown, 1 male, 2 female, 9 unspecified. */
export function resolveSex(raw: string | number): 0 | 1 | 2 | 9 | undefined {
  const text = String(raw).trim().toUpperCase();
  switch (text) {
    case '0': case '未知': case '未知的性别': return 0;
    case '1': case 'M': case 'MALE': case '男': case '男性': return 1;
    case '2': case 'F': case 'FEMALE': case '女': case '女性': return 2;
    case '9': case '未说明': case '未说明的性别': return 9;
    default: return undefined;
  }
}
