// The one compiler: a declaration → ClickHouse SQL over its subject, numerator and denominator
// counted in one scan, every value a bound parameter. The rate is computed after aggregation.
import { GROUP_EXPRESSIONS, type GroupLevel, inRegion, PERIOD_PARAMETERS, SUBJECTS, type SubjectColumn, type SubjectSource, subjectRelation } from './subjects.js';
import type { Comparison, Filter, Indicator } from './indicator-schema.js';

export interface CompiledQuery {
  sql: string;
  /** values of the parameters the declaration itself binds (filters); period parameters are added at run time */
  params: Record<string, string | number>;
}

export class IndicatorDefinitionError extends Error {
  constructor(indicatorId: string, message: string) {
    super(`indicator ${indicatorId}: ${message}`);
    this.name = 'IndicatorDefinitionError';
  }
}

const OPERATORS: Record<Exclude<Comparison['op'], 'is_null' | 'is_not_null'>, string> = {
  '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};

class FilterCompiler {
  readonly params: Record<string, string | number> = {};
  private next = 0;

  constructor(
    private readonly indicator: Indicator,
    private readonly columns: Readonly<Record<string, SubjectColumn>>,
    private readonly prefix = '',
  ) {}

  compile(filters: readonly Filter[]): string {
    if (filters.length === 0) return '1';
    return filters.map((f) => this.one(f)).join(' AND ');
  }

  private one(filter: Filter): string {
    if ('when_param' in filter) {
      if (!(filter.when_param in this.indicator.parameters)) {
        throw new IndicatorDefinitionError(this.indicator.id, `parameter ${filter.when_param} is not declared`);
      }
      // Chosen now: the SQL of an indicator holds only the rule in force.
      const chosen = this.indicator.parameters[filter.when_param] === filter.is ? filter.use : filter.otherwise;
      return `(${this.compile(chosen)})`;
    }
    if ('all' in filter) return `(${this.compile(filter.all)})`;
    if ('any' in filter) return filter.any.length === 0 ? '0' : `(${filter.any.map((f) => this.one(f)).join(' OR ')})`;
    if ('not' in filter) return `NOT (${this.one(filter.not)})`;
    const column = this.columns[filter.column];
    if (!column) throw new IndicatorDefinitionError(this.indicator.id, `unknown column ${filter.column} for subject ${this.indicator.subject}`);
    if (filter.op === 'is_null') return `${filter.column} IS NULL`;
    if (filter.op === 'is_not_null') return `${filter.column} IS NOT NULL`;
    let value = filter.value;
    if (filter.param !== undefined && filter.param in PERIOD_PARAMETERS) {
      // The period (year, evaluation date) is bound at run time.
      return `${filter.column} ${OPERATORS[filter.op]} {${filter.param}:${PERIOD_PARAMETERS[filter.param as keyof typeof PERIOD_PARAMETERS]}}`;
    }
    if (filter.param !== undefined) {
      const parameter = this.indicator.parameters[filter.param];
      if (parameter === undefined) throw new IndicatorDefinitionError(this.indicator.id, `parameter ${filter.param} is not declared`);
      if (parameter === null || typeof parameter === 'boolean') {
        throw new IndicatorDefinitionError(this.indicator.id, `parameter ${filter.param} is ${parameter}: compare with a number or text (a switch belongs in when_param)`);
      }
      value = parameter;
    }
    if (value === undefined) throw new IndicatorDefinitionError(this.indicator.id, `filter on ${filter.column} has neither value nor param`);
    const name = `${this.prefix}f${this.next++}`;
    this.params[name] = value;
    const type = column.type === 'String' ? 'String' : column.type === 'Date32' ? 'Date32' : 'Float64';
    return `${filter.column} ${OPERATORS[filter.op]} {${name}:${type}}`;
  }
}

/**
 * One indicator: `SELECT group_key, n0, d0 FROM subject WHERE <region> GROUP BY group_key` (the
 * shape of compileIndicators, which is what runs). A population denominator is joined later (it is
 * reference data, not events): then the query's denominator column is 0.
 */
export function compileIndicator(indicator: Indicator, by: GroupLevel, source: SubjectSource = 'log'): CompiledQuery {
  return compileIndicators([indicator], by, source);
}

/**
 * Many indicators of one subject in one scan (the assessment, an overview): for indicator i the
 * columns `n{i}` and `d{i}`, each with its own shared filters inside the count. Same counts as
 * compileIndicator one at a time.
 */
/**
 * An indicator's conditions over its subject: who it is about (the shared filters and a counted
 * denominator's) and who it counts (those and the numerator's). A counted numerator is always a
 * subset of its denominator; a population denominator is not counted here.
 */
function conditionsOf(indicator: Indicator, prefix: string): { about: string; counted: string; counts: boolean; params: CompiledQuery['params'] } {
  const filters = new FilterCompiler(indicator, SUBJECTS[indicator.subject].columns, prefix);
  const where = filters.compile(indicator.where);
  const denominator = indicator.denominator;
  const counts = 'filters' in denominator;
  const about = counts ? `(${where}) AND (${filters.compile(denominator.filters)})` : where;
  const counted = `(${about}) AND (${filters.compile(indicator.numerator.filters)})`;
  return { about, counted, counts, params: filters.params };
}

export function compileIndicators(indicators: readonly Indicator[], by: GroupLevel, source: SubjectSource = 'log'): CompiledQuery {
  const subjectId = indicators[0]?.subject;
  if (!subjectId || indicators.some((i) => i.subject !== subjectId)) throw new Error('compileIndicators: one subject at a time');
  const params: Record<string, string | number> = {};
  const columns = indicators.map((indicator, i) => {
    const c = conditionsOf(indicator, `i${i}_`);
    Object.assign(params, c.params);
    // Three-valued logic: a comparison with NULL (no follow-up, no birth date) counts as not met.
    return `  countIf(ifNull(${c.counted}, 0)) AS n${i},\n  countIf(ifNull(${c.counts ? c.about : '0'}, 0)) AS d${i}`;
  });
  const sql = `${subjectRelation(subjectId, source)}
SELECT ${GROUP_EXPRESSIONS[by]} AS group_key,
${columns.join(',\n')}
FROM subject
WHERE ${inRegion()}
GROUP BY group_key
ORDER BY group_key`;
  return { sql, params };
}

/**
 * The condition that picks an indicator's people: its numerator (those served) or its denominator
 * (those it is about), over its subject's columns — for lists and samples built on the same rule.
 * Parameter names are prefixed so that they never meet another query's.
 */
export function compileCohort(indicator: Indicator, part: 'numerator' | 'denominator'): CompiledQuery {
  const c = conditionsOf(indicator, `${indicator.id}_`);
  return { sql: `ifNull(${part === 'denominator' ? c.about : c.counted}, 0)`, params: c.params };
}

/** A declared parameter of an indicator (thresholds other queries share, such as `elderly_age`). */
export function indicatorParameter(catalogue: readonly Indicator[], indicatorId: string, name: string): number {
  const value = catalogue.find((i) => i.id === indicatorId)?.parameters[name];
  if (typeof value !== 'number') throw new IndicatorDefinitionError(indicatorId, `has no numeric parameter ${name}`);
  return value;
}

export { PERIOD_PARAMETERS };
