/*
 * crc32c.c - CRC-32C bit by bit (reflected polynomial 0x82f63b78, initial
 * value and final xor 0xffffffff, as iSCSI, ext4 and SSE 4.2 define it).
 */
#include "crc32c.h"

#include "probe.h"

#define CRC32C_POLY 0x82f63b78u /* 0x1edc6f41 with its bits reversed */

uint32_t crc32c_u64(uint64_t v)
{
	uint32_t crc = 0xffffffffu;

	PROBE(PROBE_CRC32C, &v, sizeof v);
	for (int byte = 0; byte < 8; byte++) {
		crc ^= (uint8_t)(v >> (8 * byte));
		/* -(crc & 1) is all ones when the low bit is set: xor the
		 * polynomial in without a branch */
		for (int bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (CRC32C_POLY & -(crc & 1u));
	}
	return ~crc;
}
