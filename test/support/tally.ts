// Counting a differential run: windows compared, agreements, disagreements per known-difference
// class (with the class's kind), and the unexplained ones, which are what the tests fail on. One
// summary format for the golden unit test and both oracle tests.

import { describeDisagreement, type Disagreement } from './capstone.js';
import { classify, DIFFERENCE_CLASSES, type DifferenceKind } from './differences.js';

export class Tally {
  windows = 0;
  agreements = 0;
  readonly perClass = new Map<string, number>();
  readonly examples = new Map<string, string>();
  readonly unexplained: Disagreement[] = [];
  /** How many unexplained records to keep for the report (all are counted). */
  private readonly keep: number;
  unexplainedCount = 0;

  constructor(keep = 200) {
    this.keep = keep;
  }

  /** Records one comparison (null = agreement). */
  add(d: Disagreement | null): void {
    this.windows++;
    if (d === null) { this.agreements++; return; }
    const c = classify(d);
    if (c === null) {
      this.unexplainedCount++;
      if (this.unexplained.length < this.keep) this.unexplained.push(d);
      return;
    }
    this.perClass.set(c.name, (this.perClass.get(c.name) ?? 0) + 1);
    if (!this.examples.has(c.name)) this.examples.set(c.name, describeDisagreement(d));
  }

  get disagreements(): number {
    return this.windows - this.agreements;
  }

  byKind(kind: DifferenceKind): number {
    let n = 0;
    for (const c of DIFFERENCE_CLASSES) if (c.kind === kind) n += this.perClass.get(c.name) ?? 0;
    return n;
  }

  /** A table for the test log: totals, then each class seen, then unexplained records. */
  summary(title: string): string {
    const lines = [
      `${title}`,
      `  windows compared        ${this.windows}`,
      `  agreements              ${this.agreements}`,
      `  disagreements           ${this.disagreements}`,
      `    capstone-wrong        ${this.byKind('capstone-wrong')}`,
      `    target-differs        ${this.byKind('target-differs')}`,
      `    spelling              ${this.byKind('spelling')}`,
      `    unexplained           ${this.unexplainedCount}`,
      '  per class:',
    ];
    for (const c of DIFFERENCE_CLASSES) {
      const n = this.perClass.get(c.name);
      if (n !== undefined) lines.push(`    ${c.name.padEnd(26)} ${String(n).padStart(7)}  ${c.kind.padEnd(14)} e.g. ${this.examples.get(c.name)}`);
    }
    if (this.unexplainedCount > 0) {
      lines.push(`  unexplained (first ${this.unexplained.length} of ${this.unexplainedCount}):`);
      for (const d of this.unexplained) {
        lines.push(`    ${describeDisagreement(d)}${d.reordered ? `  (reordered: ${d.reordered.valid ? `${d.reordered.raw}/${d.reordered.size}` : 'invalid'})` : ''}`);
      }
    }
    return lines.join('\n');
  }
}
