/* SHA-256 (FIPS 180-4), for cache keys that a crafted input must not be able to collide. */
#ifndef WARD_SHA256_H
#define WARD_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char buf[64];
	size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest in hex: 64 lowercase characters. */
#define SHA256_HEX_LEN 64
/* Writes the digest as SHA256_HEX_LEN lowercase hex characters and a NUL. */
void sha256_hex(struct sha256 *s, char out[SHA256_HEX_LEN + 1]);

#endif
