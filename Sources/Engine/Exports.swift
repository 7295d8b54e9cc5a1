// Users write `import Engine` and nothing else. The value types they touch live in Planner and are
// re-exported here: schemas (DataType, StructType, StructField), row values (Value), errors
// (EmberError, ErrorCode), the IDs and metrics of Session's task records and shuffle statistics
// (TaskID, StageID, ExecutorID, ShuffleID, TaskMetrics), StorageLevel, StandardError and SplitMix64.
//
// Those are Planner's only `public` declarations: everything else in Planner, Shuffle and Executor
// (plans, expressions, batches, codecs, the executor's protocol and operators) is `package`, visible
// to this package's targets (the CLI, the executor, examples, TPC-H queries, tests) and to no one
// else. So the whole module is re-exported rather than a list of its types: a program outside the
// package sees exactly that public surface, and a target inside it keeps reaching Planner's
// internals through `import Engine` as before. Shuffle and Executor are not re-exported.

@_exported import Planner
