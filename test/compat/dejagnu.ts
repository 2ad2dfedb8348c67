// Reads the DejaGnu directives of a gcc testsuite source (`{ dg-options "-fwrapv" }`,
// `{ dg-skip-if "..." { target-list } { include-opts } { exclude-opts } }`, ...) and decides,
// for this target (i686-pc-linux-gnu, static, one optimisation level), the flags the program
// asks for or why it is skipped. Only what gcc.c-torture/execute uses is understood; anything
// else skips the program with a reason naming it, so a new directive cannot pass silently.

/** A Tcl-ish list item: a word (quotes removed) or a braced list. */
export type Item = string | Item[];

/** The target triplet DejaGnu would report for this build (istarget matches against it). */
export const TRIPLET = 'i686-pc-linux-gnu';

/**
 * Effective-target keywords (gcc/testsuite/lib/target-supports.exp) as they evaluate for
 * i686-linux-gnu-gcc 12 -static: true, or the reason the feature is missing.
 */
const EFFECTIVE: Record<string, true | string> = {
  ia32: true, ilp32: true, signal: true, fpic: true, alloca: true, trampolines: true,
  indirect_jumps: true, label_values: true, return_address: true, untyped_assembly: true,
  int32plus: true, int32: true, longlong64: true, mmap: true, stdint_types: true,
  c99_runtime: true, double64plus: true, fileio: true, unwrapped: true, dfp: true,
  weak: true, alias: true, nonpic: true, ptr32plus: true, size32plus: true,
  int128: 'needs __int128, which i386 (ilp32) does not have',
  lp64: 'needs an LP64 target',
  freestanding: 'only for freestanding targets',
  newlib_nano_io: 'only for newlib-nano',
  vxworks_kernel: 'only for VxWorks kernel mode',
};

/** dg-add-options features: the flags they add on i386 Linux (stack_size and ieee add none). */
const ADD_OPTIONS: Record<string, string[]> = { stack_size: [], ieee: [] };

/** Directives that need nothing on this target or do not affect a run test. */
const IGNORED = new Set(['dg-prune-output', 'dg-require-stack-size', 'dg-require-alias', 'dg-require-weak', 'dg-final']);

/** Splits `text` from `at` (an opening brace) into one braced list; returns it and the end. */
function parseList(text: string, at: number): { list: Item[]; end: number } {
  const stack: Item[][] = [];
  let cur: Item[] = [];
  let i = at;
  while (i < text.length) {
    const c = text[i];
    if (c === '{') {
      stack.push(cur);
      const child: Item[] = [];
      cur.push(child);
      cur = child;
      i++;
    } else if (c === '}') {
      cur = stack.pop()!;
      i++;
      if (stack.length === 0) return { list: cur[0] as Item[], end: i };
    } else if (c === '"') {
      let w = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) { w += text[i] + text[i + 1]; i += 2; } else w += text[i++];
      }
      cur.push(w);
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      let w = '';
      while (i < text.length && !/[\s{}"]/.test(text[i])) w += text[i++];
      cur.push(w);
    }
  }
  throw new Error(`unbalanced braces in a directive at offset ${at}`);
}

/** Every `{ dg-... }` directive of a source, in order, as lists (first element the name). */
export function directives(source: string): Item[][] {
  const out: Item[][] = [];
  const re = /\{\s*dg-[a-z-]+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source)) !== null) {
    const { list, end } = parseList(source, m.index);
    out.push(list);
    re.lastIndex = end;
  }
  return out;
}

function globToRegExp(glob: string): RegExp {
  let s = '';
  for (const c of glob) s += c === '*' ? '.*' : c === '?' ? '.' : /[\[\]]/.test(c) ? c : c.replace(/[.+^${}()|\\]/g, '\\$&');
  return new RegExp(`^${s}$`);
}

/** A word of a selector: a target triplet pattern (has a dash) or an effective-target keyword. */
function word(w: string, unknown: Set<string>): boolean {
  if (w.includes('-')) return globToRegExp(w).test(TRIPLET);
  const e = EFFECTIVE[w];
  if (e === undefined) { unknown.add(w); return false; }
  return e === true;
}

/** Evaluates a selector: `target X`, a list of words (any matches), or an expression with ! && ||. */
export function selects(sel: Item, unknown: Set<string>): boolean {
  if (typeof sel === 'string') return word(sel, unknown);
  // `{ target X }`, `{ target X Y }` (either) and `{ target { X } }` alike.
  if (sel[0] === 'target' || sel[0] === 'xfail') return selects(sel.length === 2 ? sel[1] : sel.slice(1), unknown);
  if (sel.some((x) => x === '!' || x === '&&' || x === '||')) {
    let i = 0;
    const operand = (): boolean => {
      if (sel[i] === '!') { i++; return !operand(); }
      return selects(sel[i++], unknown);
    };
    let v = operand();
    while (i < sel.length) {
      const op = sel[i++];
      const r = operand();
      v = op === '&&' ? v && r : v || r;
    }
    return v;
  }
  return sel.some((x) => selects(x, unknown));
}

function words(x: Item | undefined): string[] {
  if (x === undefined) return [];
  if (typeof x === 'string') return x.split(/\s+/).filter((w) => w !== '');
  return x.flatMap(words);
}

/** dg-skip-if / dg-xfail-if option lists: include (default "*") and exclude (default none). */
function optionsMatch(include: Item | undefined, exclude: Item | undefined, flags: readonly string[]): boolean {
  const inc = words(include);
  const exc = words(exclude);
  const has = (pattern: string) => pattern === '*' || flags.some((f) => globToRegExp(pattern).test(f));
  const included = inc.length === 0 || inc.some(has);
  const excluded = exc.some((p) => p !== '*' && has(p)) || exc.includes('*');
  return included && !excluded;
}

export interface Plan {
  /** The options the program's directives add after the torture flags. */
  options: string[];
  skip?: string;
}

/**
 * Decides, from a source's directives, the options to compile it with (after `torture`, the
 * optimisation flags of this run) or the reason to skip it.
 */
export function plan(source: string, torture: readonly string[]): Plan {
  let options: string[] = [];
  const additional: string[] = [];
  const unknown = new Set<string>();
  let skip: string | undefined;
  const list = directives(source);
  const applies = (sel: Item | undefined) => sel === undefined || selects(sel, unknown);
  // Options first: dg-skip-if's option lists are matched against the final flags.
  for (const d of list) {
    const [name, ...args] = d;
    if (name === 'dg-options' && applies(args[1])) options = words(args[0]);
    else if (name === 'dg-additional-options' && applies(args[1])) additional.push(...words(args[0]));
    else if (name === 'dg-add-options') {
      const feature = String(args[0]);
      if (ADD_OPTIONS[feature] === undefined) skip ??= `dg-add-options ${feature} is not understood by this runner`;
      else additional.push(...ADD_OPTIONS[feature]);
    }
  }
  const flags = [...torture, ...options, ...additional];
  for (const d of list) {
    const [name, ...args] = d;
    if (name === 'dg-options' || name === 'dg-additional-options' || name === 'dg-add-options' || IGNORED.has(name as string)) continue;
    if (name === 'dg-do') {
      if (args[0] !== 'run') skip ??= `dg-do ${String(args[0])}: not a run test`;
    } else if (name === 'dg-skip-if') {
      if (selects(args[1], unknown) && optionsMatch(args[2], args[3], flags)) skip ??= `dg-skip-if on this target: ${String(args[0])}`;
    } else if (name === 'dg-xfail-if' || name === 'dg-xfail-run-if') {
      if (selects(args[1], unknown) && optionsMatch(args[2], args[3], flags)) skip ??= `${name} on this target: ${String(args[0])}`;
    } else if (name === 'dg-require-effective-target') {
      const kw = String(args[0]);
      if (applies(args[1])) {
        const e = EFFECTIVE[kw];
        if (e === undefined) unknown.add(kw);
        else if (e !== true) skip ??= `effective target ${kw}: ${e}`;
      }
    } else {
      skip ??= `directive ${String(name)} is not understood by this runner`;
    }
  }
  if (unknown.size > 0) skip ??= `unknown effective target(s) ${[...unknown].join(', ')}`;
  return { options: [...options, ...additional], skip };
}
