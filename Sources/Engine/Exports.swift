// Users write `import Engine` and nothing else: the value types they touch (DataType, StructType,
// Value, EmberError, ParseMode, ColumnarBatch…) live in Planner and are re-exported here.

@_exported import Planner
