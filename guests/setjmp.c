/* setjmp/longjmp: a jump out of deeply nested calls, the value passed (and 0 turned into 1),
 * volatile locals keeping their updates, repeated jumps to the same buffer forming a loop,
 * and error recovery in a tiny recursive-descent parser. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env;
static int depth_reached;

static void dive(int n)
{
	depth_reached = n;
	if (n == 50) longjmp(env, 42);
	if (n < 1000) dive(n + 1);
	printf("not reached\n");
}

/* expr := term (('+'|'-') term)* ; term := digit | '(' expr ')' */
static const char *src;
static jmp_buf parse_error;
static int expr(void);
static int term(void)
{
	if (*src >= '0' && *src <= '9') return *src++ - '0';
	if (*src == '(') { src++; int v = expr(); if (*src != ')') longjmp(parse_error, 2); src++; return v; }
	longjmp(parse_error, 1);
}
static int expr(void)
{
	int v = term();
	while (*src == '+' || *src == '-') { char op = *src++; int w = term(); v = op == '+' ? v + w : v - w; }
	return v;
}

int main(void)
{
	int r = setjmp(env);
	if (r == 0) { dive(0); }
	printf("longjmp returned %d from depth %d\n", r, depth_reached);

	volatile int count = 0;
	r = setjmp(env);
	count++;
	if (r < 5) longjmp(env, r + 1);
	printf("looped: r=%d count=%d\n", r, count);

	if ((r = setjmp(env)) == 0) longjmp(env, 0);
	printf("longjmp(env, 0) gives %d\n", r);

	const char *inputs[] = { "1+2", "(1+2)-(3-4)", "9-(8-(7-(6-5)))", "1+", "(1+2", "x", "((((((((1))))))))+2" };
	for (volatile unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		src = inputs[i];
		int e = setjmp(parse_error);
		if (e == 0) { int v = expr(); printf("%s = %d\n", inputs[i], v); }
		else printf("%s: error %d at offset %d\n", inputs[i], e, (int)(src - inputs[i]));
	}
	return 0;
}
