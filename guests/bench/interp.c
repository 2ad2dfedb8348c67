/* A bytecode interpreter: a stack machine with a switch dispatch loop running a program that
   counts primes by trial division and sums a Collatz series. */
#include "bench.h"

enum { PUSH, LOAD, STORE, ADD, SUB, MUL, MOD, DIV, LT, JZ, JMP, DUP, POP, HALT, INC, SHR, AND, EQ, JNZ };

static int run(const int *code, int *vars) {
  int stack[64], sp = 0, pc = 0;
  for (;;) {
    int op = code[pc++];
    switch (op) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case LOAD: stack[sp++] = vars[code[pc++]]; break;
      case STORE: vars[code[pc++]] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case MOD: sp--; stack[sp - 1] %= stack[sp]; break;
      case DIV: sp--; stack[sp - 1] /= stack[sp]; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case EQ: sp--; stack[sp - 1] = stack[sp - 1] == stack[sp]; break;
      case AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
      case JZ: { int t = code[pc++]; if (stack[--sp] == 0) pc = t; break; }
      case JNZ: { int t = code[pc++]; if (stack[--sp] != 0) pc = t; break; }
      case JMP: pc = code[pc]; break;
      case DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case POP: sp--; break;
      case INC: vars[code[pc]]++; pc++; break;
      case HALT: return sp ? stack[sp - 1] : 0;
    }
  }
}

static int code[256], len;
static void e(int x) { code[len++] = x; }
static int here(void) { return len; }

/* vars: 0 n, 1 limit, 2 d, 3 count, 4 isprime, 5 x, 6 steps */
static void build(void) {
  e(PUSH); e(2); e(STORE); e(0);
  e(PUSH); e(0); e(STORE); e(3);
  int outer = here();
  e(LOAD); e(0); e(LOAD); e(1); e(LT); e(JZ); int done = here(); e(0);
  e(PUSH); e(2); e(STORE); e(2); e(PUSH); e(1); e(STORE); e(4);
  int inner = here();
  e(LOAD); e(2); e(DUP); e(MUL); e(LOAD); e(0); e(PUSH); e(1); e(ADD); e(LT); e(JZ); int end1 = here(); e(0);
  e(LOAD); e(0); e(LOAD); e(2); e(MOD); e(JNZ); int next = here(); e(0);
  e(PUSH); e(0); e(STORE); e(4); e(JMP); int end2 = here(); e(0);
  code[next] = here();
  e(INC); e(2); e(JMP); e(inner);
  code[end1] = code[end2] = here();
  e(LOAD); e(3); e(LOAD); e(4); e(ADD); e(STORE); e(3);
  /* a Collatz walk from n, counted in var 6 */
  e(LOAD); e(0); e(STORE); e(5);
  int coll = here();
  e(LOAD); e(5); e(PUSH); e(1); e(EQ); e(JNZ); int cend = here(); e(0);
  e(INC); e(6);
  e(LOAD); e(5); e(PUSH); e(1); e(AND); e(JZ); int even = here(); e(0);
  e(LOAD); e(5); e(PUSH); e(3); e(MUL); e(PUSH); e(1); e(ADD); e(STORE); e(5); e(JMP); e(coll);
  code[even] = here();
  e(LOAD); e(5); e(PUSH); e(1); e(SHR); e(STORE); e(5); e(JMP); e(coll);
  code[cend] = here();
  e(INC); e(0); e(JMP); e(outer);
  code[done] = here();
  e(LOAD); e(3); e(PUSH); e(65536); e(MUL); e(LOAD); e(6); e(ADD); e(HALT);
}

int main(int argc, char **argv) {
  int reps = repeats(argc, argv, 4);
  uint32_t sum = 0;
  build();
  for (int r = 0; r < reps; r++) {
    int vars[8] = { 0, 12000 + r, 0, 0, 0, 0, 0, 0 };
    sum = sum * 31 + (uint32_t)run(code, vars);
  }
  checksum("interp", sum);
  return 0;
}
