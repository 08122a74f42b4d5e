// The module is its header's inline functions; SwiftPM wants one source file per C target.
#include "CPrefetch.h"
