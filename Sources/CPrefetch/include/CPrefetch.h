#ifndef C_PREFETCH_H
#define C_PREFETCH_H

#include <stddef.h>

/// Software prefetch, which Swift has no builtin for: asks the CPU to start loading the
/// cache line holding `address` and returns at once. Only a hint: it never faults, even on
/// an address outside any allocation, and changes no result.

/// Prefetches for a read soon.
static inline void prefetchForRead(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Prefetches for a write soon (the line is fetched in a state ready to be written).
static inline void prefetchForWrite(const void *address) { __builtin_prefetch(address, 1, 3); }

/// Asks the kernel to back the whole 2 MiB pages inside [address, address + bytes) with
/// huge pages (Linux's transparent huge pages in their "madvise" mode): a table of tens of
/// megabytes read at random key by key then costs one TLB entry per 2 MiB instead of one per
/// 4 KiB, and most of its page walks go. Only a hint: it changes no result. Call it before
/// the memory is first written, as pages already touched stay small. Does nothing below
/// 4 MiB or where the system has no such advice.
void adviseHugePages(void *address, size_t bytes);

#endif
