#ifndef C_PREFETCH_H
#define C_PREFETCH_H

/// Software prefetch, which Swift has no builtin for: asks the CPU to start loading the
/// cache line holding `address` and returns at once. Only a hint: it never faults, even on
/// an address outside any allocation, and changes no result.

/// Prefetches for a read soon.
static inline void prefetchForRead(const void *address) { __builtin_prefetch(address, 0, 3); }

/// Prefetches for a write soon (the line is fetched in a state ready to be written).
static inline void prefetchForWrite(const void *address) { __builtin_prefetch(address, 1, 3); }

#endif
