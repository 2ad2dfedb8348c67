// The compat runner's reading of gcc testsuite directives (test/compat/dejagnu.ts), on the
// forms gcc.c-torture/execute uses: options for a target selector, skips with option lists,
// effective targets, and the refusal of anything it does not understand.

import { directives, plan } from './compat/dejagnu';

const O2 = ['-O2'];

test('directives are found anywhere, across lines, with nested braces and quoted braces', () => {
  const src = `/* { dg-options "-fwrapv" } */\nint x;\n/* { dg-skip-if "odd \\" brace {" { m68k-*-* } }\n   { dg-additional-options "-Og" } */`;
  expect(directives(src)).toEqual([
    ['dg-options', '-fwrapv'],
    ['dg-skip-if', 'odd \\" brace {', ['m68k-*-*']],
    ['dg-additional-options', '-Og'],
  ]);
});

test('dg-options replace, dg-additional-options append, each only for a selector that matches i686 Linux', () => {
  expect(plan('/* { dg-options "-fgnu89-inline -Wno-x" } */', O2)).toEqual({ options: ['-fgnu89-inline', '-Wno-x'], skip: undefined });
  expect(plan('/* { dg-options { "-fwrapv" } } */', O2).options).toEqual(['-fwrapv']);
  expect(plan('/* { dg-options "-mtune=i686" { target { { i?86-*-* x86_64-*-* } && ia32 } } } */', O2).options).toEqual(['-mtune=i686']);
  expect(plan('/* { dg-additional-options "-mno-stv" { target i?86-*-* x86_64-*-* } } */', O2).options).toEqual(['-mno-stv']);
  expect(plan('/* { dg-additional-options "-DSIGNAL_SUPPRESS" { target { ! signal } } } */', O2).options).toEqual([]);
  expect(plan('/* { dg-options "-mno-eabi" { target powerpc-*-eabi* } } */', O2).options).toEqual([]);
  expect(plan('/* { dg-add-options stack_size } */', O2)).toEqual({ options: [], skip: undefined });
});

test('dg-skip-if honours its target list and its include/exclude option lists', () => {
  expect(plan('/* { dg-skip-if "requires alloca" { ! alloca } { "-O0" } { "" } } */', O2).skip).toBeUndefined();
  expect(plan('/* { dg-skip-if "requires frame pointers" { *-*-* } "-fomit-frame-pointer" "" } */', O2).skip).toBeUndefined();
  expect(plan('/* { dg-skip-if "requires frame pointers" { *-*-* } "-fomit-frame-pointer" "" } */', ['-O3', '-fomit-frame-pointer']).skip)
    .toBe('dg-skip-if on this target: requires frame pointers');
  expect(plan('/* { dg-skip-if "" { ! { i?86-*-* x86_64-*-* } } } */', O2).skip).toBeUndefined();
  expect(plan('/* { dg-skip-if "BSS alias" { powerpc-ibm-aix* } } */', O2).skip).toBeUndefined();
});

test('effective targets: int128 is missing on i386, others are there, unknown ones skip with their name', () => {
  expect(plan('/* { dg-require-effective-target int128 } */', O2).skip).toMatch(/int128/);
  expect(plan('/* { dg-require-effective-target trampolines } */', O2).skip).toBeUndefined();
  expect(plan('/* { dg-require-effective-target frobnicate } */', O2).skip).toBe('unknown effective target(s) frobnicate');
  expect(plan('/* { dg-do compile } */', O2).skip).toBe('dg-do compile: not a run test');
  expect(plan('/* { dg-final { scan-assembler "x" } } */ /* { dg-bogus "x" } */', O2).skip).toBe('directive dg-bogus is not understood by this runner');
});
