#ifndef HOMEWARD_CSHA256_H
#define HOMEWARD_CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// SHA-256 of `first` followed by `second`, written to `digest` (32 bytes).
///
/// Uses the processor's SHA instructions when it has them (x86-64 SHA extensions), portable C
/// otherwise. The chain hash of a log record is this function with the previous hash as `first`.
void homeward_sha256_two_parts(const void *first, size_t firstCount,
                               const void *second, size_t secondCount,
                               uint8_t digest[32]);

/// The same digest, always computed by the portable code (for tests that compare the two).
void homeward_sha256_two_parts_portable(const void *first, size_t firstCount,
                                        const void *second, size_t secondCount,
                                        uint8_t digest[32]);

/// 1 when `homeward_sha256_two_parts` uses the processor's SHA instructions, 0 otherwise.
int homeward_sha256_uses_instructions(void);

#endif
