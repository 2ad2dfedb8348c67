/* Memory the guest must not reach: reads, writes and jumps outside what it mapped. Each probe
 * should end its process with SIGSEGV (the arena's bounds and page permissions), and the rest
 * of the run (the parent) carries on. Modes:
 *   (none)          every portable probe in a forked child, one line each: "NAME: signal N"
 *   read ADDR [N]   read N (1 or 4) bytes at ADDR and print them (or die)
 *   write ADDR      write a word at ADDR (or die)
 *   exec ADDR       call ADDR (or die)
 *   overflow        unbounded recursion (dies of SIGSEGV at the stack guard) */
#include "hostile.h"
#include <stdint.h>
#include <sys/mman.h>

static unsigned char data_ret[16] = { 0xc3 }; /* `ret`, in a non-executable data page */
static volatile unsigned long sink;

static void do_read(long a) { sink = *(volatile uint32_t *)a; }
static void do_read8(long a) { sink = *(volatile uint8_t *)a; }
static void do_write(long a) { *(volatile uint32_t *)a = 0x41414141; }
static void do_exec(long a) { ((void (*)(void))a)(); }

static volatile int forever = 1;
static unsigned long recurse(unsigned long n)
{
	volatile char frame[512];
	frame[n % 512] = (char)n;
	if (!forever) return n;
	return recurse(n + 1) + frame[n % 512];
}
static void do_overflow(long a) { (void)a; sink = recurse(0); }

/* A page that is mapped and then unmapped: nothing is there. */
static long hole(void)
{
	char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p, 4096);
	return (long)p;
}

/* Two pages, the second unmapped: the address of the last 2 bytes of the first. */
static long straddle(void)
{
	char *p = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(p + 4096, 4096);
	return (long)(p + 4094);
}

static long page(int prot)
{
	char *p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	p[0] = (char)0xc3;
	mprotect(p, 4096, prot);
	return (long)p;
}

int main(int argc, char **argv)
{
	const char *m = argc > 1 ? argv[1] : "";
	long addr = argc > 2 ? (long)strtoul(argv[2], 0, 0) : 0;
	if (!strcmp(m, "read") && argc >= 3) {
		if (argc > 3 && atoi(argv[3]) == 1) do_read8(addr); else do_read(addr);
		printf("read %s: 0x%lx\n", argv[2], sink);
		return 0;
	}
	if (!strcmp(m, "write") && argc == 3) { do_write(addr); printf("wrote %s\n", argv[2]); return 0; }
	if (!strcmp(m, "exec") && argc == 3) { do_exec(addr); printf("returned from %s\n", argv[2]); return 0; }
	if (!strcmp(m, "overflow")) { do_overflow(0); return 0; }
	if (argc > 1) {
		fprintf(stderr, "usage: hostile-mem [read ADDR [1|4] | write ADDR | exec ADDR | overflow]\n");
		return 2;
	}
	unsigned char stack_ret[16] = { 0xc3 };
	unsigned char *heap_ret = malloc(64);
	heap_ret[0] = 0xc3;
	in_child("read null", do_read, 0);
	in_child("write null", do_write, 0);
	in_child("read page 0 end", do_read, 4092);
	in_child("read unmapped", do_read, hole());
	in_child("write unmapped", do_write, hole());
	in_child("read across end of mapping", do_read, straddle());
	in_child("write across end of mapping", do_write, straddle());
	in_child("write read-only", do_write, page(PROT_READ));
	in_child("write own code", do_write, (long)main);
	in_child("read 0xfffffffc", do_read, (long)0xfffffffcUL);
	in_child("write 0xfffff000", do_write, (long)0xfffff000UL);
	in_child("exec data", do_exec, (long)data_ret);
	in_child("exec stack", do_exec, (long)stack_ret);
	in_child("exec heap", do_exec, (long)heap_ret);
	in_child("exec read-only page", do_exec, page(PROT_READ));
	in_child("exec executable page", do_exec, page(PROT_READ | PROT_EXEC));
	/* Without si_code: vxts reports SEGV_MAPERR for a PROT_NONE page and SEGV_ACCERR for
	 * execution outside every mapping, where Linux says the opposite (a known difference), and
	 * qemu-i386 reports its stack guard as SEGV_ACCERR where Linux says SEGV_MAPERR. */
	probe_code = 0;
	in_child("read PROT_NONE", do_read, page(PROT_NONE));
	in_child("exec unmapped", do_exec, hole());
	in_child("exec null", do_exec, 0);
	in_child("exec 0xfffff000", do_exec, (long)0xfffff000UL);
	in_child("stack overflow", do_overflow, 0);
	return 0;
}
