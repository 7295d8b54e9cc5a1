// CSnappy: the system snappy-c.h (Debian package libsnappy-dev) exposed to Swift, for Parquet's codecs.
#ifndef CSNAPPY_SHIM_H
#define CSNAPPY_SHIM_H
#include <snappy-c.h>
#endif
