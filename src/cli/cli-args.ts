// Command-line arguments of every `hap` command: one declaration per command gives both the
// parsing and the `--help` text, so the two cannot drift. A user's mistake (unknown option,
// missing file, bad number) is a UsageError: answered in one line with exit code 2, never a
// stack trace, which is for bugs.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface OptionHelp {
  type: 'string' | 'boolean';
  description: string;
  /** what the value looks like in the help, e.g. `N` or `DIR` */
  value?: string;
  default?: string;
}

export interface CommandHelp {
  /** e.g. `hap import FILE…` */
  usage: string;
  summary: string;
  options?: Record<string, OptionHelp>;
  /** how many positional arguments are allowed (default none) */
  positionals?: { min: number; max?: number; name: string };
  /** extra lines after the options: environment, notes */
  notes?: string;
}

export function helpText(help: CommandHelp): string {
  const lines = [`Usage: ${help.usage}`, '', help.summary];
  const options = Object.entries(help.options ?? {});
  lines.push('', 'Options:');
  const rows: [string, string][] = options.map(([name, o]) => [`  --${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`, `${o.description}${o.default !== undefined ? ` (default ${o.default})` : ''}`]);
  rows.push(['  -h, --help', 'print this help']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  for (const [left, right] of rows) lines.push(`${left.padEnd(width)}${right}`);
  if (help.notes) lines.push('', help.notes);
  return lines.join('\n');
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** A string option's value, or `fallback` when it was not given. */
export function stringValue(parsed: ParsedArgs, name: string, fallback: string): string;
export function stringValue(parsed: ParsedArgs, name: string): string | undefined;
export function stringValue(parsed: ParsedArgs, name: string, fallback?: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : fallback;
}

const PARSE_ERROR = /^ERR_PARSE_ARGS_/;

/** Parses a command's arguments by its declaration; a mistake is a UsageError naming the command. */
export function parseCommandArgs(command: string, help: CommandHelp, args: readonly string[]): ParsedArgs {
  // Defaults are the command's to apply: the help's `default` is text for people ("today").
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, o] of Object.entries(help.options ?? {})) options[name] = { type: o.type };
  let parsed: ParsedArgs;
  try {
    const out = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    parsed = { values: out.values as ParsedArgs['values'], positionals: out.positionals };
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? '');
    if (!PARSE_ERROR.test(code)) throw error;
    // node's message names the option and says what is wrong; its second sentence is a hint for
    // positionals that does not apply to every command.
    throw new UsageError(`${command}: ${(error as Error).message.split('. ')[0]!.replace(/\.$/, '')} (see hap ${command} --help)`);
  }
  const allowed = help.positionals ?? { min: 0, max: 0, name: '' };
  if (parsed.positionals.length < allowed.min) throw new UsageError(`${command}: name ${allowed.name} (see hap ${command} --help)`);
  if (allowed.max !== undefined && parsed.positionals.length > allowed.max) {
    throw new UsageError(`${command}: unexpected argument ${parsed.positionals[allowed.max]} (see hap ${command} --help)`);
  }
  return parsed;
}

/** A number option checked at the boundary: `--scale x` is the user's mistake, not NaN downstream. */
export function numberOption(command: string, name: string, text: string | boolean | undefined, check: { integer?: boolean; min?: number; positive?: boolean } = {}): number {
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  const ok = Number.isFinite(value) && (!check.integer || Number.isInteger(value)) && (!check.positive || value > 0) && (check.min === undefined || value >= check.min);
  if (!ok) {
    const article = check.positive ? 'a positive' : check.integer ? 'an' : 'a';
    const want = [article, check.integer ? 'integer' : 'number', check.min !== undefined ? `≥ ${check.min}` : ''].filter(Boolean).join(' ');
    throw new UsageError(`${command}: --${name} must be ${want}, got ${JSON.stringify(text ?? '')}`);
  }
  return value;
}

/** The file must exist and be a file: checked before anything is opened. */
export function existingFile(command: string, path: string): string {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new UsageError(`${command}: no such file: ${path}`);
  }
  if (!isFile) throw new UsageError(`${command}: not a file: ${path}`);
  return path;
}
