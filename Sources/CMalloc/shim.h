// glibc's malloc tuning (mallopt and its parameters), for MallocTuning in Executor.
#include <malloc.h>
