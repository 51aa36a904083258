// Word lists for synthetic personal information. Everything here is made up: names are drawn
// character by character, phones and addresses are random, so no real person is described.
import { cumulativeOf, type Random } from './random.js';

/** Common surnames with rough relative frequencies (Chongqing has many 陈, 李, 张, 刘, 王, 杨). */
const SURNAMES: readonly (readonly [string, number])[] = [
  ['陈', 80], ['李', 78], ['张', 70], ['刘', 62], ['王', 60], ['杨', 48], ['黄', 32], ['周', 30], ['吴', 28],
  ['罗', 27], ['谭', 22], ['何', 22], ['唐', 21], ['徐', 18], ['彭', 18], ['冉', 12], ['曾', 16], ['邓', 17],
  ['蒋', 14], ['胡', 16], ['朱', 12], ['赵', 15], ['谢', 12], ['向', 10], ['余', 12], ['杜', 10], ['廖', 10],
  ['肖', 11], ['田', 9], ['袁', 10], ['秦', 7], ['孙', 8], ['马', 8], ['郭', 7], ['冯', 7], ['江', 6], ['龙', 6],
  ['熊', 7], ['付', 7], ['蔡', 5], ['程', 5], ['石', 5], ['韩', 4], ['梁', 5], ['宋', 5], ['郑', 5], ['高', 6],
  ['林', 5], ['曹', 4], ['许', 4], ['魏', 4], ['苏', 4], ['卢', 4], ['姚', 4], ['贺', 4], ['汪', 4], ['万', 4],
  ['任', 4], ['雷', 4], ['邹', 4], ['文', 4], ['钟', 4], ['夏', 3], ['钱', 2], ['牟', 3], ['喻', 3], ['游', 3],
  ['欧阳', 1], ['司马', 0.3], ['诸葛', 0.2],
];

const MALE_CHARACTERS = [...'伟刚勇毅俊峰强军平东文辉力明永健世广志义兴良海山波宁贵福生龙全国胜学祥才发武新利清飞彬富顺信杰涛昌成康星光天达安中茂进林有和博诚先敬震振会思群豪心邦承乐功松厚庆磊民友裕河哲江超浩亮政谦奇宏朋斌梁栋维启克伦翔旭鹏泽晨辰建家致树德行泰盛雄钧冠策腾楠航宇睿轩浩然子涵'];
const FEMALE_CHARACTERS = [...'秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬芳燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月媛艳瑞佳嘉琼勤珍莉桂叶璐娅琦晶妍茜秋珊莎锦青倩婷婉娴颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚婕馨韵园艺悦昭冰爽茗羽希欣滢柔竹凝晓欢芸菲伊亚宜可舒思丽涵萱诗'];

const SURNAME_WEIGHTS = cumulativeOf(SURNAMES.map(([, weight]) => weight));

export function surname(rng: Random): string {
  return SURNAMES[rng.cumulative(SURNAME_WEIGHTS)]?.[0] ?? '王';
}

export function givenName(rng: Random, sex: 1 | 2): string {
  const chars = sex === 1 ? MALE_CHARACTERS : FEMALE_CHARACTERS;
  const first = rng.pick(chars);
  return rng.chance(0.28) ? first : first + rng.pick(chars);
}

const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '156', '157', '158',
  '159', '166', '173', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '191', '199',
];

export function mobilePhone(rng: Random): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
}

const ROADS = [
  '人民路', '建设路', '新华路', '和平路', '滨江路', '育才路', '工业路', '文化路', '幸福路', '民康路', '金桥路',
  '翠园路', '锦霞街', '松青路', '双山路', '柏华路', '新工路', '革新路', '大堰路', '长征路', '光明路', '学堂街',
];

/** Village committees (村民委员会, 村委会) as opposed to urban community committees. */
export function isVillage(committee: string): boolean {
  return /村(民委员会|委会)$/.test(committee);
}

/** Short form of a community/village committee name for addresses: 平安社区居民委员会 → 平安社区. */
export function placeName(committee: string): string {
  return committee.replace(/(居民委员会|居委会)$/, '').replace(/(村民委员会|村委会)$/, '村').replace(/委员会$/, '');
}

export function streetAddress(rng: Random, countyName: string, streetName: string, committee: string): string {
  const place = placeName(committee);
  if (place.endsWith('村')) return `${countyName}${streetName}${place}${rng.int(1, 12)}组${rng.int(1, 120)}号`;
  return `${countyName}${streetName}${place}${rng.pick(ROADS)}${rng.int(1, 260)}号${rng.int(1, 24)}栋${rng.int(1, 4)}单元${rng.int(1, 32)}-${rng.int(1, 6)}`;
}

/**
 * Address codes (GB/T 2260) of places people come from: other districts of Chongqing, and
 * Sichuan (before 1997 Chongqing was part of Sichuan, and migration between the two is heavy).
 */
export const OTHER_ADDRESS_CODES: readonly string[] = [
  '500101', '500102', '500103', '500105', '500106', '500107', '500108', '500109', '500110', '500112', '500113',
  '500116', '500117', '500118', '500151', '500152', '500153', '500229', '500230', '500231', '500233', '500235',
  '500236', '500240', '510104', '510105', '510106', '510107', '510108', '511302', '511321', '511602', '511623',
  '510502', '510521', '511702', '511722', '510303', '511902',
];

export const DESTINATIONS: readonly string[] = [
  '重庆市九龙坡区', '重庆市沙坪坝区', '重庆市渝北区', '重庆市巴南区', '重庆市江津区', '重庆市渝中区', '重庆市南岸区',
  '四川省成都市武侯区', '四川省广安市', '四川省泸州市', '广东省深圳市南山区', '广东省广州市天河区', '浙江省杭州市',
  '上海市浦东新区', '北京市朝阳区', '贵州省贵阳市',
];

export const TCM_CONSTITUTIONS = ['平和质', '气虚质', '阳虚质', '阴虚质', '痰湿质', '湿热质', '血瘀质', '气郁质', '特禀质'];
