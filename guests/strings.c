/* The string and memory functions: lengths, copies, comparisons, searching, tokenising,
 * overlapping moves, case mapping, number conversions, at many alignments and lengths (the
 * C libraries pick word-at-a-time and SSE paths by length and alignment). */
#define _DEFAULT_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static unsigned long hash(const void *p, size_t n)
{
	const unsigned char *s = p; unsigned long h = 2166136261u;
	for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 16777619u;
	return h;
}

int main(void)
{
	static char big[4096], buf[4096];
	for (int i = 0; i < 4095; i++) big[i] = (char)('a' + i % 26);
	unsigned long acc = 0;
	for (int align = 0; align < 16; align++)
		for (int len = 0; len < 300; len += 7) {
			char *s = buf + align;
			memcpy(s, big, len); s[len] = 0;
			acc = acc * 31 + strlen(s);
			acc = acc * 31 + (unsigned long)(strchr(s, 'q') ? strchr(s, 'q') - s : -1);
			acc = acc * 31 + (unsigned long)(strrchr(s, 'c') ? strrchr(s, 'c') - s : -1);
			acc = acc * 31 + (unsigned long)(memchr(s, 'z', len) ? (char *)memchr(s, 'z', len) - s : -1);
			acc = acc * 31 + (unsigned)(strcmp(s, big + 1) > 0) + 2 * (unsigned)(memcmp(s, big, len) == 0);
		}
	printf("alignment sweep hash %lu\n", acc);

	char text[] = "the quick  brown fox, jumps over; the lazy dog";
	printf("strstr: %s | %s\n", strstr(text, "fox"), strstr(text, "cat") ? "found" : "(null)");
	printf("strspn %zu strcspn %zu strpbrk %s\n", strspn(text, "the "), strcspn(text, ",;"), strpbrk(text, ",;"));
	char copy[sizeof text]; strcpy(copy, text);
	for (char *save, *t = strtok_r(copy, " ,;", &save); t; t = strtok_r(NULL, " ,;", &save)) printf("[%s]", t);
	printf("\n");
	char m[32] = "0123456789abcdefghij";
	memmove(m + 4, m, 10); printf("memmove up: %s\n", m);
	memmove(m, m + 6, 10); printf("memmove down: %s\n", m);
	memset(m + 3, '#', 5); printf("memset: %s\n", m);
	char up[64]; unsigned i;
	for (i = 0; text[i]; i++) up[i] = (char)toupper((unsigned char)text[i]);
	up[i] = 0; printf("upper: %s\n", up);
	printf("strcasecmp %d strncmp %d\n", strcasecmp(up, text) == 0, strncmp("abcdef", "abcxyz", 3) == 0);
	char cat[64] = "con"; strcat(cat, "cat"); strncat(cat, "enation!!!", 7); printf("strcat: %s\n", cat);
	char *d = strdup(text); printf("strdup equal %d, strndup: %s\n", strcmp(d, text) == 0, strndup(text, 9)); free(d);

	const char *nums[] = { "42", "-17", "0x1f", "0777", "99999999999", "12abc", "  +5", "z" };
	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		char *end; errno = 0;
		long v = strtol(nums[i], &end, 0);
		printf("strtol(%s) = %ld errno=%d rest=[%s] atoi=%d\n", nums[i], v, errno, end, atoi(nums[i]));
	}
	printf("strtoul %lu strtoll %lld strtoull %llu\n", strtoul("4294967295", NULL, 10), strtoll("-9223372036854775808", NULL, 10), strtoull("ffffffffffffffff", NULL, 16));
	/* Reverse words, count characters, a small hash of a generated text. */
	size_t n = 0;
	for (i = 0; i < 200; i++) n += (size_t)snprintf(buf + n, sizeof buf - n, "%u:%s;", i * i, i % 3 ? "x" : "yy");
	printf("generated %zu chars hash %lu\n", n, hash(buf, n));
	int counts[26] = {0};
	for (const char *p = text; *p; p++) if (isalpha((unsigned char)*p)) counts[*p - 'a']++;
	for (i = 0; i < 26; i++) if (counts[i]) printf("%c%d", 'a' + i, counts[i]);
	printf("\n");
	printf("strerror(ENOENT) = %s\n", strerror(ENOENT));
	return 0;
}
