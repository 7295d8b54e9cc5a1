// CZstd: the system libzstd (Debian package libzstd-dev) exposed to Swift.
#ifndef CZSTD_SHIM_H
#define CZSTD_SHIM_H
#include <zstd.h>
#endif
