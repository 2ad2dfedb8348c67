/* Integer work: SHA-256 (32-bit rotates and adds) of fixed strings and of a megabyte of
 * generated data, CRC-32 with a table, 64-bit multiply/divide/modulo (libgcc's __udivdi3 and
 * friends on i386), shifts by variable counts, and popcount/clz/ctz builtins. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2 };
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

struct sha { uint32_t h[8]; uint8_t buf[64]; uint64_t len; };
static void block(struct sha *s, const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;
	for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3), s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3]; e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d; s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}
static void init(struct sha *s)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(s->h, iv, sizeof iv); s->len = 0;
}
static void update(struct sha *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	while (n--) { s->buf[s->len++ % 64] = *p++; if (s->len % 64 == 0) block(s, s->buf); }
}
static void final(struct sha *s, char *hex)
{
	uint64_t bits = s->len * 8; uint8_t pad = 0x80, z = 0;
	update(s, &pad, 1);
	while (s->len % 64 != 56) update(s, &z, 1);
	for (int i = 7; i >= 0; i--) { uint8_t b = (uint8_t)(bits >> (8 * i)); update(s, &b, 1); }
	for (int i = 0; i < 8; i++) sprintf(hex + 8 * i, "%08x", (unsigned)s->h[i]);
}

int main(void)
{
	const char *msgs[] = { "", "abc", "abcdbcdefghcdefghidefghijkhijklijklmjklmnklmnolmnopqmnopqrnopqrsopqrstpqrstuvopqrstu" "v", "The quick brown fox jumps over the lazy dog" };
	char hex[65]; struct sha s;
	for (unsigned i = 0; i < 4; i++) { init(&s); update(&s, msgs[i], strlen(msgs[i])); final(&s, hex); printf("sha256(\"%.20s\") = %s\n", msgs[i], hex); }
	static uint8_t mb[1 << 20];
	uint32_t x = 1;
	for (size_t i = 0; i < sizeof mb; i++) { x = x * 1103515245u + 12345u; mb[i] = (uint8_t)(x >> 16); }
	init(&s); update(&s, mb, sizeof mb); final(&s, hex);
	printf("sha256(1 MiB generated) = %s\n", hex);

	uint32_t table[256];
	for (uint32_t i = 0; i < 256; i++) { uint32_t c = i; for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1; table[i] = c; }
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < sizeof mb; i++) crc = table[(crc ^ mb[i]) & 0xff] ^ (crc >> 8);
	printf("crc32(1 MiB) = %08x\n", (unsigned)~crc);

	volatile uint64_t u = 0xfedcba9876543210ULL, v = 0x123456789ULL;
	volatile int64_t sa = -0x7edcba9876543210LL, sb = 12345;
	printf("u64 mul %llx div %llu mod %llu\n", (unsigned long long)(u * v), (unsigned long long)(u / v), (unsigned long long)(u % v));
	printf("s64 div %lld mod %lld, neg shift %lld\n", (long long)(sa / sb), (long long)(sa % sb), (long long)(sa >> 7));
	uint64_t acc = 0;
	for (volatile unsigned sh = 0; sh < 64; sh++) acc ^= (u << sh) ^ (u >> sh) ^ (uint64_t)((int64_t)sa >> sh);
	printf("variable shifts %016llx\n", (unsigned long long)acc);
	printf("builtins popcount %d clz %d ctz %d popcountll %d\n", __builtin_popcount(0xf0f0f0f1u), __builtin_clz(0x00ff0000u), __builtin_ctz(0x00ff0000u), __builtin_popcountll(u));
	return 0;
}
