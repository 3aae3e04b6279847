/*
 * hash.c - 64-bit FNV-1a (Fowler, Noll, Vo): simple, byte at a time, and
 * still what many C hash tables use for short keys.
 */
#include "hash.h"

#include "probe.h"

#define FNV_OFFSET_BASIS 0xcbf29ce484222325u
#define FNV_PRIME 0x100000001b3u

uint64_t hash64(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = FNV_OFFSET_BASIS;

	PROBE(PROBE_HASH64, key, len);
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}
