#ifndef HOMEWARD_CLMDB_SHIM_H
#define HOMEWARD_CLMDB_SHIM_H
#include <lmdb.h>
#endif
