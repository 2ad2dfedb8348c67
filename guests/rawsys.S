/* Raw system calls through int $0x80, no C library: write, writev, uname (sysname and machine
 * only: the release is the kernel's), brk growth and use, an anonymous mmap2, an unknown
 * system call number (-ENOSYS), a bad pointer (-EFAULT), reading stdin, getpid being positive,
 * and exit_group with status 7. */
	.text
	.globl _start

print_str:			/* ecx = string, edx = length */
	pushl %ebx
	movl $4, %eax
	movl $1, %ebx
	int $0x80
	popl %ebx
	ret

print_int:			/* eax = signed number, printed in decimal with a newline */
	pushl %ebx
	pushl %esi
	pushl %edi
	subl $20, %esp
	leal 19(%esp), %esi
	movb $10, (%esi)
	xorl %edi, %edi
	testl %eax, %eax
	jns 1f
	negl %eax
	incl %edi
1:	movl $10, %ebx
2:	xorl %edx, %edx
	divl %ebx
	addb $'0', %dl
	decl %esi
	movb %dl, (%esi)
	testl %eax, %eax
	jnz 2b
	testl %edi, %edi
	jz 3f
	decl %esi
	movb $'-', (%esi)
3:	leal 20(%esp), %edx
	subl %esi, %edx
	movl %esi, %ecx
	call print_str
	addl $20, %esp
	popl %edi
	popl %esi
	popl %ebx
	ret

print_cstr:			/* ecx = NUL-terminated string, then a newline */
	movl %ecx, %edx
1:	cmpb $0, (%edx)
	je 2f
	incl %edx
	jmp 1b
2:	subl %ecx, %edx
	call print_str
	movl $nl, %ecx
	movl $1, %edx
	jmp print_str

#define SAY(label, text) \
	jmp 9f; label: .ascii text; 9: movl $label, %ecx; movl $(9b - label), %edx; call print_str

_start:
	SAY(m0, "raw write works\n")

	movl $146, %eax			/* writev(1, iov, 3) */
	movl $1, %ebx
	movl $iov, %ecx
	movl $3, %edx
	int $0x80
	pushl %eax
	SAY(m1, "writev returned ")
	popl %eax
	call print_int

	movl $122, %eax			/* uname(&uts) */
	movl $uts, %ebx
	int $0x80
	pushl %eax
	SAY(m2, "uname returned ")
	popl %eax
	call print_int
	SAY(m3, "sysname: ")
	movl $uts, %ecx
	call print_cstr
	SAY(m4, "machine: ")
	movl $uts + 4 * 65, %ecx
	call print_cstr

	movl $45, %eax			/* brk(0) */
	xorl %ebx, %ebx
	int $0x80
	movl %eax, %esi
	leal 8192(%esi), %ebx
	movl $45, %eax
	int $0x80
	subl %esi, %eax
	pushl %eax
	SAY(m5, "brk grew by ")
	popl %eax
	call print_int
	movl $0x12345678, 8188(%esi)
	movl 8188(%esi), %eax
	subl $0x12345678, %eax
	pushl %eax
	SAY(m6, "brk memory usable (0 = yes): ")
	popl %eax
	call print_int

	movl $192, %eax			/* mmap2(NULL, 65536, RW, PRIVATE|ANON, -1, 0) */
	xorl %ebx, %ebx
	movl $65536, %ecx
	movl $3, %edx
	movl $0x22, %esi
	movl $-1, %edi
	pushl %ebp
	xorl %ebp, %ebp
	int $0x80
	popl %ebp
	movl %eax, %esi
	andl $0xfff, %eax
	pushl %eax
	SAY(m7, "mmap2 page offset: ")
	popl %eax
	call print_int
	movl 65532(%esi), %eax
	pushl %eax
	SAY(m8, "mmap2 memory reads zero: ")
	popl %eax
	call print_int

	movl $9999, %eax		/* no such system call */
	int $0x80
	pushl %eax
	SAY(m9, "syscall 9999 returned ")
	popl %eax
	call print_int

	movl $4, %eax			/* write(1, 16, 5): bad pointer */
	movl $1, %ebx
	movl $16, %ecx
	movl $5, %edx
	int $0x80
	pushl %eax
	SAY(m10, "write from a bad pointer returned ")
	popl %eax
	call print_int

	movl $3, %eax			/* read(0, buf, 10) */
	xorl %ebx, %ebx
	movl $buf, %ecx
	movl $10, %edx
	int $0x80
	pushl %eax
	SAY(m11, "read 10 bytes of stdin: ")
	popl %eax
	call print_int
	movl $buf, %ecx
	movl $10, %edx
	call print_str
	movl $nl, %ecx
	movl $1, %edx
	call print_str

	movl $20, %eax			/* getpid() > 0 */
	int $0x80
	xorl %ebx, %ebx
	testl %eax, %eax
	setg %bl
	movl %ebx, %eax
	pushl %eax
	SAY(m12, "getpid positive: ")
	popl %eax
	call print_int

	movl $4, %eax			/* a line on stderr */
	movl $2, %ebx
	movl $errmsg, %ecx
	movl $(errmsg_end - errmsg), %edx
	int $0x80

	movl $252, %eax			/* exit_group(7) */
	movl $7, %ebx
	int $0x80
	hlt

	.data
nl:	.ascii "\n"
p1:	.ascii "gathered "
p2:	.ascii "from three "
p3:	.ascii "buffers\n"
iov:	.long p1, p2 - p1, p2, p3 - p2, p3, iov - p3
errmsg:	.ascii "rawsys: exiting with status 7\n"
errmsg_end:
	.bss
uts:	.skip 6 * 65
buf:	.skip 16
