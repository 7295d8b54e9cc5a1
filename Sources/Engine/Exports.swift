// Users write `import Engine` and nothing else. The value types they touch live in Planner and are
// re-exported here: schemas (DataType, StructType, StructField), row values (Value), errors
// (EmberError, ErrorCode), the IDs and metrics of Session's task records and shuffle statistics
// (TaskID, StageID, ExecutorID, ShuffleID, TaskMetrics, HeavyKey), StorageLevel, StandardError and SplitMix64.
//
// Those are Planner's only plain `public` declarations. Everything else in Planner, Shuffle and
// Executor (plans, expressions, batches, codecs, the executor's protocol and operators) is
// `@_spi(EmberInternal) public`: this package's targets (the CLI, the executor, TPC-H queries,
// tests) import it with `@_spi(EmberInternal) import Planner`; a program that writes `import Engine`
// sees none of it. It is SPI rather than `package` because Swift's cross-module optimization only
// inlines public code, and the hot loops cross these modules (`package` cost word count 10% CPU).
// The SPI is Ember's own: it is not a supported API for programs outside this package, and changes
// without notice. Shuffle and Executor are not re-exported.

@_exported import Planner
