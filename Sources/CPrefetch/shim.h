// The compiler's cache prefetch hint, which Swift does not expose: the hash join probe asks for
// the slots of rows a few ahead while it works on the current one (SingleKeySlots).
static inline void ember_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
