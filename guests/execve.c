/* execve: the program runs itself again (argv[0], a path relative to the working directory)
 * with a new argument list and environment; a failed execve returns ENOENT/EACCES and leaves
 * the process running; fork + exec + wait gets the new image's exit status; descriptors stay
 * open across exec unless FD_CLOEXEC; stdio buffers are flushed before exec. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv, char **envp)
{
	if (argc >= 2 && strcmp(argv[1], "child") == 0) {
		printf("child image: argc=%d", argc);
		for (int i = 2; i < argc; i++) printf(" [%s]", argv[i]);
		printf("\n");
		for (char **e = envp; *e; e++) printf("child env: %s\n", *e);
		/* fd 5 was inherited, fd 6 was close-on-exec. */
		printf("fd 5 open: %d, fd 6 open: %d\n", fcntl(5, F_GETFD) >= 0, fcntl(6, F_GETFD) >= 0);
		return 3;
	}
	if (argc >= 2 && strcmp(argv[1], "final") == 0) {
		printf("final image replaced the original process; exiting 0\n");
		return 0;
	}
	printf("original image: argc=%d\n", argc);
	char *bad_args[] = { "nope", NULL };
	char *no_env[] = { NULL };
	int r = execve("./no/such/program", bad_args, no_env);
	printf("execve missing file: %d %s\n", r, strerror(errno));
	r = execve(".", bad_args, no_env);
	printf("execve a directory: %d %s\n", r, strerror(errno));

	dup2(1, 5);
	dup2(1, 6);
	fcntl(6, F_SETFD, FD_CLOEXEC);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { argv[0], "child", "one", "two words", "", NULL };
		char *env[] = { "ONLY=this", "AND=that", NULL };
		execve(argv[0], args, env);
		printf("exec failed: %s\n", strerror(errno));
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	printf("child exited with %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);

	printf("this line is buffered and flushed before the exec\n");
	fflush(stdout);
	char *args[] = { argv[0], "final", NULL };
	execv(argv[0], args);
	printf("exec failed: %s\n", strerror(errno));
	return 1;
}
