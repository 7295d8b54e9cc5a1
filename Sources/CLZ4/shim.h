// CLZ4: the system lz4.h (Debian package liblz4-dev) exposed to Swift, for Parquet's codecs.
#ifndef CLZ4_SHIM_H
#define CLZ4_SHIM_H
#include <lz4.h>
#endif
