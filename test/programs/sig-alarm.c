/* alarm + pause, the remaining time alarm reports, setitimer with an interval, and a read of an
   empty pipe interrupted by SIGALRM: EINTR without SA_RESTART, restarted with it. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static volatile int alarms;
static int wfd = -1;
static void on_alarm(int sig) { (void)sig; alarms++; if (wfd >= 0) write(wfd, "x", 1); }

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);

  printf("alarm(5) returns %u\n", alarm(5));
  unsigned left = alarm(0);
  printf("alarm(0) returns %u\n", left);

  alarm(1);
  int r = pause();
  printf("pause: r=%d errno_eintr=%d alarms=%d\n", r, errno == EINTR, alarms);

  struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
  setitimer(ITIMER_REAL, &it, NULL);
  while (alarms < 4) pause();
  memset(&it, 0, sizeof it);
  setitimer(ITIMER_REAL, &it, NULL);
  printf("interval timer: alarms=%d\n", alarms);

  int fds[2];
  pipe(fds);
  char c;
  alarm(1);
  ssize_t n = read(fds[0], &c, 1);
  printf("read without SA_RESTART: n=%d eintr=%d\n", (int)n, errno == EINTR);

  sa.sa_flags = SA_RESTART;
  sigaction(SIGALRM, &sa, NULL);
  wfd = fds[1];
  struct itimerval once = { { 0, 0 }, { 0, 50000 } };
  setitimer(ITIMER_REAL, &once, NULL);
  n = read(fds[0], &c, 1);
  printf("read with SA_RESTART: n=%d c=%c\n", (int)n, n == 1 ? c : '?');
  puts("done");
  return 0;
}
