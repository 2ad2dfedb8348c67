/* Self-modifying code, no C library. (1) A function copied into an RWX mmap page is called,
 * its immediate operand patched, and called again; (2) code patches the instruction right
 * after the store, in the same straight-line run, which must execute in its new form; (3) a
 * loop rewrites an add instruction's immediate on every iteration; (4) the program's own text
 * page is made writable with mprotect and a function in it is patched. Results are printed
 * as decimal numbers with write(2); the exit status is 0 when every check passed. */
	.text
	.globl _start

/* print_str: ecx = string, edx = length */
print_str:
	pushl %ebx
	movl $4, %eax
	movl $1, %ebx
	int $0x80
	popl %ebx
	ret

/* print_num: eax = unsigned number, printed in decimal followed by a newline */
print_num:
	pushl %ebx
	pushl %esi
	subl $16, %esp
	leal 15(%esp), %esi
	movb $10, (%esi)
	movl $10, %ebx
1:	xorl %edx, %edx
	divl %ebx
	addb $'0', %dl
	decl %esi
	movb %dl, (%esi)
	testl %eax, %eax
	jnz 1b
	leal 16(%esp), %edx
	subl %esi, %edx
	movl %esi, %ecx
	call print_str
	addl $16, %esp
	popl %esi
	popl %ebx
	ret

#define SAY(label, text) \
	jmp 9f; label: .ascii text; 9: movl $label, %ecx; movl $(9b - label), %edx; call print_str

/* template: returns 1000 + its argument in eax (argument in ecx) */
template:
	movl $1000, %eax
template_imm = template + 1
	addl %ecx, %eax
	ret
template_end:

/* A function in .text that is patched in place after mprotect. */
text_func:
	movl $7, %eax
	ret

_start:
	xorl %ebp, %ebp			/* ebp counts failed checks */

	/* mmap2(NULL, 4096, RWX, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
	movl $192, %eax
	xorl %ebx, %ebx
	movl $4096, %ecx
	movl $7, %edx
	movl $0x22, %esi
	movl $-1, %edi
	pushl %ebp
	xorl %ebp, %ebp
	int $0x80
	popl %ebp
	movl %eax, %edi			/* edi = the page */

	/* (1) copy the template, call it, patch the immediate, call again */
	movl $template, %esi
	movl $(template_end - template), %ecx
	pushl %edi
	rep movsb
	popl %edi
	movl $5, %ecx
	call *%edi
	pushl %eax
	SAY(s1, "copied function returns ")
	popl %eax
	cmpl $1005, %eax
	je 2f
	incl %ebp
2:	call print_num
	movl $2000, 1(%edi)		/* new immediate */
	movl $5, %ecx
	call *%edi
	pushl %eax
	SAY(s2, "after patching the immediate ")
	popl %eax
	cmpl $2005, %eax
	je 2f
	incl %ebp
2:	call print_num

	/* (2) patch the next instruction from straight-line code. Layout at edi+64:
	 *   c6 05 <abs32> 2a    movb $42, <addr of the imm8 of the next instruction>
	 *   b0 01               movb $1, %al
	 *   c3                  ret
	 */
	leal 64(%edi), %ebx
	movb $0xc6, 0(%ebx)
	movb $0x05, 1(%ebx)
	leal 8(%ebx), %eax		/* address of the imm8 of movb $1,%al */
	movl %eax, 2(%ebx)
	movb $42, 6(%ebx)
	movb $0xb0, 7(%ebx)
	movb $1, 8(%ebx)
	movb $0xc3, 9(%ebx)
	xorl %eax, %eax
	call *%ebx
	movzbl %al, %eax
	pushl %eax
	SAY(s3, "next instruction patched in flight gives ")
	popl %eax
	cmpl $42, %eax
	je 2f
	incl %ebp
2:	call print_num
	/* and again: the patched code now stores 42 over 42; reset the imm to 1 and run it twice */
	movb $1, 8(%ebx)
	movb $99, 6(%ebx)
	call *%ebx
	movzbl %al, %eax
	pushl %eax
	SAY(s4, "second version gives ")
	popl %eax
	cmpl $99, %eax
	je 2f
	incl %ebp
2:	call print_num

	/* (3) a loop whose add immediate is rewritten each time: code at edi+128 is
	 *   05 <imm32>   addl $imm, %eax
	 *   c3           ret
	 * sum over i=1..100 of i*i */
	leal 128(%edi), %ebx
	movb $0x05, 0(%ebx)
	movb $0xc3, 5(%ebx)
	xorl %eax, %eax
	movl $1, %ecx
3:	movl %ecx, %edx
	imull %ecx, %edx
	movl %edx, 1(%ebx)
	call *%ebx
	incl %ecx
	cmpl $100, %ecx
	jbe 3b
	pushl %eax
	SAY(s5, "rewritten loop sum of squares 1..100 = ")
	popl %eax
	cmpl $338350, %eax
	je 2f
	incl %ebp
2:	call print_num

	/* (4) mprotect our own text page RWX and patch text_func's immediate */
	call text_func
	pushl %eax
	SAY(s6, "text function before patching ")
	popl %eax
	call print_num
	movl $125, %eax			/* mprotect(page of text_func, 4096, RWX) */
	movl $text_func, %ebx
	andl $0xfffff000, %ebx
	movl $4096, %ecx
	movl $7, %edx
	int $0x80
	pushl %eax
	SAY(s7, "mprotect returned ")
	popl %eax
	call print_num
	movl $77777, text_func + 1
	call text_func
	pushl %eax
	SAY(s8, "text function after patching ")
	popl %eax
	cmpl $77777, %eax
	je 2f
	incl %ebp
2:	call print_num

	SAY(s9, "failed checks: ")
	movl %ebp, %eax
	call print_num
	movl $252, %eax			/* exit_group(failed checks) */
	movl %ebp, %ebx
	int $0x80
	hlt
