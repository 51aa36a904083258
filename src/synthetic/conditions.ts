// Chronic conditions managed by the programme (hypertension, type 2 diabetes, severe mental
// disorders): who has one, since when, whether and when they were enrolled, and how well
// controlled and how regularly seen they are. Follow-up events are planned from these.
import { birthdayAt, FOREVER, yearOf, yearStart } from './calendar.js';
import type { DistrictLayout } from './layout.js';
import type { Random } from './random.js';
import * as rates from './rates.js';
import type { Resident } from './resident.js';

export interface Condition {
  onset: number;
  /** day of programme enrolment, FOREVER when never enrolled */
  enrolled: number;
  /** chance that a follow-up finds the condition controlled (SMD: stable) */
  control: number;
  /** chance of a follow-up in each period it is due */
  regularity: number;
}

interface ConditionRule {
  prevalence: (age: number) => number;
  incidence: number;
  minAge: number;
  /** how far back a prevalent case may have been diagnosed, in days */
  history: number;
  enrolShare: number;
  controlMean: number;
}

export function conditionOf(rng: Random, layout: DistrictLayout, r: Resident, rule: ConditionRule): Condition | null {
  const refDay = r.mover ? r.arrival : layout.startDay;
  const birthYear = r.birthYear;
  const refYear = r.mover ? yearOf(refDay) : layout.firstYear;
  const eligibleFrom = birthdayAt(r.birthDay, rule.minAge);
  let onset = FOREVER;
  if (rng.chance(rule.prevalence(refDay >= eligibleFrom ? refYear - birthYear : 0))) {
    onset = Math.max(refDay - rng.int(30, rule.history), Math.min(refDay, eligibleFrom + rng.int(0, 365)));
  } else {
    for (let y = Math.max(layout.firstYear, refYear); y <= layout.lastYear && onset === FOREVER; y++) {
      if (y - birthYear >= rule.minAge && rng.chance(rule.incidence)) onset = Math.max(yearStart(y), refDay) + rng.int(0, 364);
    }
  }
  if (onset > layout.untilDay || onset >= r.departure) return null;
  let enrolled = FOREVER;
  if (r.archiveDay !== FOREVER && rng.chance(rule.enrolShare)) {
    const day = Math.max(onset, r.archiveDay) + rng.int(0, 300);
    if (day <= layout.untilDay && day < r.departure) enrolled = day;
  }
  return {
    onset,
    enrolled,
    control: Math.min(0.97, Math.max(0.05, rng.normal(rule.controlMean, 0.22))),
    // Most patients keep every quarterly appointment; some drift, a few are hardly seen.
    regularity: rng.weighted([[0.99, 0.8], [0.65, 0.13], [0.3, 0.07]] as const),
  };
}

export const HYPERTENSION: ConditionRule = {
  prevalence: rates.hypertensionPrevalence, incidence: 0.009, minAge: 35, history: 12 * 365, enrolShare: 0.57, controlMean: 0.68,
};
export const DIABETES: ConditionRule = {
  prevalence: rates.diabetesPrevalence, incidence: 0.004, minAge: 35, history: 10 * 365, enrolShare: 0.6, controlMean: 0.55,
};
export const SEVERE_MENTAL_DISORDER: ConditionRule = {
  prevalence: rates.smdPrevalence, incidence: 0.0001, minAge: 15, history: 20 * 365, enrolShare: 0.9, controlMean: 0.78,
};

