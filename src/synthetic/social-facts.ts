// Education, occupation, marital status and insurance that fit a person's age (a retired
// 80-year-old is not a student, a 10-year-old is not married), coded as the form codes them.
import { type CodeList, EDUCATION, MARITAL_STATUS } from '../transform/code-lists.js';
import type { Random } from './random.js';

type Table = readonly (readonly [string, number])[];

/** A coded value as written: the code, or its Chinese label, or (where forms number them) the number. */
export function written(rng: Random, list: CodeList, code: string, labelShare: number, numberShare = 0): string | number {
  const r = rng.next();
  if (r < labelShare) return list.labels[code] ?? code;
  if (r < labelShare + numberShare) {
    const number = Object.entries(list.aliases ?? {}).find(([alias, target]) => target === code && /^\d$/.test(alias));
    if (number) return Number(number[0]);
  }
  return code;
}

const EDUCATION_BY_AGE: readonly (readonly [number, Table])[] = [
  [17, [['8', 40], ['7', 40], ['6', 20]]],
  [29, [['7', 15], ['6', 20], ['4', 10], ['3', 25], ['2', 25], ['1', 5]]],
  [59, [['8', 8], ['7', 30], ['6', 25], ['4', 10], ['5', 5], ['3', 12], ['2', 9], ['1', 1]]],
  [200, [['9', 15], ['8', 35], ['7', 30], ['6', 12], ['4', 4], ['3', 3], ['2', 1]]],
];

export function educationOf(facts: Random, rng: Random, age: number): string | number {
  const table = EDUCATION_BY_AGE.find(([upTo]) => age <= upTo)?.[1] ?? [];
  const code = facts.chance(0.02) ? '10' : facts.weighted(table);
  return written(rng, EDUCATION, code, 0.2);
}

/** GB/T 6565 major group; 8 (no occupation) for children, students and the retired. */
export function occupationOf(facts: Random, age: number): string {
  if (age < 18 || age >= 60) return '8';
  return facts.weighted([['0', 3], ['1', 15], ['2', 15], ['3', 25], ['4', 3], ['5', 20], ['6', 0.5], ['7', 10], ['8', 8.5]] as const);
}

export function maritalStatusOf(facts: Random, rng: Random, age: number): string | number {
  let code: string;
  if (age < 20) code = '10';
  else if (age < 30) code = facts.weighted([['10', 55], ['20', 43], ['40', 2]] as const);
  else if (age < 60) code = facts.weighted([['10', 6], ['20', 85], ['40', 6], ['30', 3]] as const);
  else code = facts.weighted([['20', 70], ['30', 27], ['40', 3]] as const);
  if (facts.chance(0.01)) code = '90';
  return written(rng, MARITAL_STATUS, code, 0.2);
}

export function paymentMethodsOf(facts: Random, age: number, occupation: string, registered: boolean): string[] {
  if (facts.chance(0.01)) return ['全自费'];
  const employed = age >= 18 && occupation !== '8';
  const employee = employed ? facts.chance(registered ? 0.75 : 0.6) : age >= 60 && facts.chance(0.5);
  const methods = [employee ? '城镇职工基本医疗保险' : '城乡居民基本医疗保险'];
  if (facts.chance(0.08)) methods.push('商业医疗保险');
  return methods;
}
