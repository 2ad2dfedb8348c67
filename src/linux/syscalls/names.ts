// Names of i386 system call numbers, so --strace can name a call that is not registered (an
// ENOSYS) instead of printing a bare number. Implemented calls carry their own names in
// the registry. Numbers from the i386 ABI (arch/x86 syscall table, 32-bit).

const TABLE = `
3 read 4 write 5 open 6 close 9 link 10 unlink 12 chdir 15 chmod 19 lseek 33 access 38 rename
39 mkdir 40 rmdir 41 dup 54 ioctl 60 umask 63 dup2 83 symlink 85 readlink 94 fchmod 118 fsync
133 fchdir 140 _llseek 145 readv 146 writev 180 pread64 181 pwrite64 183 getcwd 194 ftruncate64
195 stat64 196 lstat64 197 fstat64 220 getdents64 221 fcntl64 239 sendfile64 295 openat 296 mkdirat
300 fstatat64 301 unlinkat 302 renameat 303 linkat 304 symlinkat 305 readlinkat 306 fchmodat
307 faccessat 320 utimensat 330 dup3 331 pipe2 383 statx
2 fork 7 waitpid 8 creat 11 execve 14 mknod 16 lchown 21 mount 22 umount 25 stime 26 ptrace
27 alarm 29 pause 30 utime 34 nice 36 sync 37 kill 42 pipe 48 signal 51 acct 52 umount2 55 fcntl
61 chroot 62 ustat 67 sigaction 68 sgetmask 69 ssetmask 72 sigsuspend 73 sigpending 82 select
86 uselib 87 swapon 88 reboot 89 readdir 92 truncate 93 ftruncate 95 fchown 96 getpriority
97 setpriority 99 statfs 100 fstatfs 101 ioperm 102 socketcall 103 syslog 104 setitimer
105 getitimer 109 olduname 110 iopl 111 vhangup 113 vm86old 114 wait4 115 swapoff 117 ipc
119 sigreturn 120 clone 123 modify_ldt 124 adjtimex 126 sigprocmask 128 init_module
129 delete_module 131 quotactl 134 bdflush 135 sysfs 141 getdents 142 _newselect 143 flock
148 fdatasync 149 _sysctl 154 sched_setparam 155 sched_getparam 156 sched_setscheduler
157 sched_getscheduler 159 sched_get_priority_max 160 sched_get_priority_min
161 sched_rr_get_interval 166 vm86 168 poll 173 rt_sigreturn 174 rt_sigaction 175 rt_sigprocmask
176 rt_sigpending 177 rt_sigtimedwait 178 rt_sigqueueinfo 179 rt_sigsuspend 182 chown 184 capget
185 capset 186 sigaltstack 187 sendfile 190 vfork 193 truncate64 198 lchown32 207 fchown32
212 chown32 217 pivot_root 218 mincore 225 readahead 226 setxattr 227 lsetxattr 228 fsetxattr
229 getxattr 230 lgetxattr 231 fgetxattr 232 listxattr 233 llistxattr 234 flistxattr
235 removexattr 236 lremovexattr 237 fremovexattr 238 tkill 240 futex 241 sched_setaffinity
250 fadvise64 254 epoll_create 255 epoll_ctl 256 epoll_wait 257 remap_file_pages 259 timer_create
260 timer_settime 261 timer_gettime 262 timer_getoverrun 263 timer_delete 268 statfs64
269 fstatfs64 270 tgkill 271 utimes 272 fadvise64_64 284 waitid 291 inotify_init
292 inotify_add_watch 293 inotify_rm_watch 297 mknodat 298 fchownat 299 futimesat 308 pselect6
309 ppoll 310 unshare 313 splice 314 sync_file_range 315 tee 316 vmsplice 318 getcpu
319 epoll_pwait 321 signalfd 322 timerfd_create 323 eventfd 324 fallocate 325 timerfd_settime
326 timerfd_gettime 327 signalfd4 328 eventfd2 329 epoll_create1 332 inotify_init1 333 preadv
334 pwritev 335 rt_tgsigqueueinfo 336 perf_event_open 337 recvmmsg 343 clock_adjtime 344 syncfs
345 sendmmsg 346 setns 347 process_vm_readv 348 process_vm_writev 349 kcmp 350 finit_module
353 renameat2 354 seccomp 356 memfd_create 357 bpf 358 execveat 359 socket 360 socketpair 361 bind
362 connect 363 listen 364 accept4 365 getsockopt 366 setsockopt 367 getsockname 368 getpeername
369 sendto 370 sendmsg 371 recvfrom 372 recvmsg 373 shutdown 374 userfaultfd 375 membarrier
376 mlock2 377 copy_file_range 378 preadv2 379 pwritev2 380 pkey_mprotect 381 pkey_alloc
382 pkey_free 384 arch_prctl 408 timer_gettime64 409 timer_settime64 410 timerfd_gettime64
411 timerfd_settime64 413 pselect6_time64 414 ppoll_time64 421 rt_sigtimedwait_time64
422 futex_time64 424 pidfd_send_signal 425 io_uring_setup 434 pidfd_open 435 clone3 436 close_range
437 openat2 438 pidfd_getfd 439 faccessat2 440 process_madvise 441 epoll_pwait2
`;

export const SYSCALL_NAMES = new Map<number, string>();
{
  const words = TABLE.trim().split(/\s+/);
  for (let i = 0; i + 1 < words.length; i += 2) SYSCALL_NAMES.set(Number(words[i]), words[i + 1]);
}
