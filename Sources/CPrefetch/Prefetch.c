// The module is its header's inline prefetches, and the huge-page advice below.
#include "CPrefetch.h"

#if defined(__linux__)
#include <stdint.h>
#include <sys/mman.h>
#endif

void adviseHugePages(void *address, size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (bytes < 2 * huge) return;
    uintptr_t start = ((uintptr_t)address + huge - 1) & ~(huge - 1);
    uintptr_t end = ((uintptr_t)address + bytes) & ~(huge - 1);
    if (end > start) madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
    (void)address;
    (void)bytes;
#endif
}
