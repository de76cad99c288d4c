#ifndef HOMEWARD_CLMDB_SHIM_H
#define HOMEWARD_CLMDB_SHIM_H
#include <lmdb.h>

/// Asks the memory system for the cache line holding `address`, without waiting for it and
/// without faulting when the address is not mapped.
static inline void homeward_prefetch(const void *address) {
    __builtin_prefetch(address);
}
#endif
