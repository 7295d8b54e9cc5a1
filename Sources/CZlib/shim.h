// CZlib: the system zlib.h (Debian package zlib1g-dev) exposed to Swift, for Parquet's codecs.
#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>
#endif
