/* fork + pipe + wait: a child writes through a pipe and exits with a status; another dies of a
   signal; a third is killed by its parent; WNOHANG; ECHILD; getppid in the child; SIGCHLD to a
   handler; waitid; a child's SIGPIPE on a pipe without readers. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int chld;
static void on_chld(int sig) { (void)sig; chld++; }

static void show(const char *what, int st) {
  if (WIFEXITED(st)) printf("%s: exited %d\n", what, WEXITSTATUS(st));
  else if (WIFSIGNALED(st)) printf("%s: killed by %d\n", what, WTERMSIG(st));
  else printf("%s: status %#x\n", what, st);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGCHLD, on_chld);
  int fds[2];
  pipe(fds);
  pid_t me = getpid();
  pid_t c = fork();
  if (c == 0) {
    close(fds[0]);
    char msg[64];
    int n = snprintf(msg, sizeof msg, "hello from child, ppid_ok=%d", getppid() == me);
    write(fds[1], msg, n);
    _exit(42);
  }
  close(fds[1]);
  char buf[128];
  int total = 0, n;
  while ((n = read(fds[0], buf + total, sizeof buf - 1 - total)) > 0) total += n;
  buf[total] = 0;
  printf("parent read: %s\n", buf);
  int st;
  pid_t w = waitpid(c, &st, 0);
  printf("waitpid returned the child: %d\n", w == c);
  show("child 1", st);

  c = fork();
  if (c == 0) { *(volatile int *)0 = 0; _exit(0); }
  wait(&st);
  show("child 2", st);

  c = fork();
  if (c == 0) { for (;;) pause(); }
  printf("WNOHANG while running: %d\n", waitpid(c, &st, WNOHANG));
  kill(c, SIGTERM);
  waitpid(c, &st, 0);
  show("child 3", st);

  c = fork();
  if (c == 0) _exit(7);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WEXITED);
  printf("waitid: pid_ok=%d code_exited=%d status=%d\n", si.si_pid == c, si.si_code == CLD_EXITED, si.si_status);

  int p2[2];
  pipe(p2);
  c = fork();
  if (c == 0) {
    close(p2[0]);
    signal(SIGPIPE, SIG_DFL);
    write(p2[1], "x", 1);
    _exit(0);
  }
  close(p2[0]);
  close(p2[1]);
  waitpid(c, &st, 0);
  show("child 4 (write to closed pipe)", st);

  errno = 0;
  int wr = wait(&st);
  int werr = errno;
  printf("no children: %d echild=%d\n", wr, werr == ECHILD);
  printf("SIGCHLD handled: %d\n", chld >= 1);
  return 5;
}
