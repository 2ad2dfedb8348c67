/* execve: of /proc/self/exe with arguments (the child runs the "stage 2" branch), of another
   program given as argv[1], close-on-exec descriptors closed and others kept, handlers reset
   to default and ignored signals still ignored, E2BIG for a huge argument, ENOENT. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void handler(int sig) { (void)sig; }

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc >= 2 && strcmp(argv[1], "stage2") == 0) {
    struct sigaction a;
    sigaction(SIGUSR1, NULL, &a);
    int usr1_default = a.sa_handler == SIG_DFL;
    sigaction(SIGUSR2, NULL, &a);
    int usr2_ignored = a.sa_handler == SIG_IGN;
    printf("stage2: argc=%d arg2=%s env=%s fd10_open=%d fd11_closed=%d usr1_default=%d usr2_ignored=%d\n",
           argc, argc > 2 ? argv[2] : "-", getenv("STAGE") ? getenv("STAGE") : "-",
           fcntl(10, F_GETFD) >= 0, fcntl(11, F_GETFD) == -1 && errno == EBADF, usr1_default, usr2_ignored);
    return 9;
  }
  signal(SIGUSR1, handler);
  signal(SIGUSR2, SIG_IGN);
  dup2(1, 10);
  dup2(1, 11);
  fcntl(11, F_SETFD, FD_CLOEXEC);

  char *e2big = malloc(200000);
  memset(e2big, 'a', 199999);
  e2big[199999] = 0;
  char *bigargv[] = { "x", e2big, NULL };
  int r = execve("/proc/self/exe", bigargv, NULL);
  int err = errno;
  printf("huge argument: r=%d e2big=%d\n", r, err == E2BIG);
  char *noargv[] = { "nope", NULL };
  r = execve("/nonexistent/program", noargv, NULL);
  err = errno;
  printf("missing program: r=%d enoent=%d\n", r, err == ENOENT);

  pid_t c = fork();
  if (c == 0) {
    char *av[] = { "self", "stage2", "hello", NULL };
    char *ev[] = { "STAGE=two", NULL };
    execve("/proc/self/exe", av, ev);
    _exit(127);
  }
  int st;
  waitpid(c, &st, 0);
  printf("stage2 exited %d\n", WEXITSTATUS(st));
  if (argc >= 2) {
    c = fork();
    if (c == 0) {
      char *av[] = { argv[1], NULL };
      execv(argv[1], av);
      _exit(127);
    }
    waitpid(c, &st, 0);
    printf("%s exited %d\n", argv[1], WEXITSTATUS(st));
  }
  return 0;
}
