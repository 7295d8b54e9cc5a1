// RawRowsLayout: what a Partial aggregate that stopped aggregating ships through the shuffle
// instead of one-row partial buffers: its keys and its aggregates' distinct inputs, as read. The
// reducer turns them into buffers as it reads them (ShuffleReader's RawRowsExpansion), so
// nothing but the shuffle sees the difference.
//
//   groupBy(user_id).agg(count(*), sum(amount), avg(amount))
//     buffers:  user_id | count 1 | sum amount | avg (amount as double, 1)    5 columns, 40 bytes a row
//     raw rows: user_id | amount                                            2 columns, 16 bytes a row
//
// Both sides derive the layout from the same keys and aggregates, so they agree on it without
// sending it; a layout is used only when its rows are narrower than the buffers.

@_spi(EmberInternal) import Planner
@_spi(EmberInternal) import Shuffle

struct RawRowsLayout {
    let keyCount: Int
    /// The aggregates' distinct inputs (bound to the Partial aggregate's input).
    let inputs: [BoundExpression]
    /// Keys ++ inputs: the raw rows' schema.
    let schema: StructType
    /// Keys ++ buffers: what the raw rows become.
    let partialSchema: StructType
    /// The aggregates with their inputs read from the raw rows' columns.
    let rawAggregates: [BoundAggregate]

    /// nil when raw rows would be no narrower than the buffers (or an input has no fixed layout).
    init?(partialSchema: StructType, keyCount: Int, aggregates: [BoundAggregate]) {
        guard !aggregates.isEmpty, partialSchema.count >= keyCount else { return nil }
        var inputs: [BoundExpression] = []
        var rawAggregates: [BoundAggregate] = []
        for a in aggregates {
            var rebound = a
            if let input = a.input {
                // Shared only when bit-identical: `==` takes the literals -0.0 and 0.0 for one.
                let same = inputs.firstIndex { $0 == input && String(reflecting: $0) == String(reflecting: input) }
                let at = same ?? { inputs.append(input); return inputs.count - 1 }()
                rebound.input = .column(keyCount + at, input.dataType)
            }
            rawAggregates.append(rebound)
        }
        guard let rawWidth = Self.width(inputs.map(\.dataType)),
              let bufferWidth = Self.width(aggregates.flatMap(\.bufferTypes)), rawWidth < bufferWidth else { return nil }
        let keyFields = Array(partialSchema.fields.prefix(keyCount))
        self.keyCount = keyCount
        self.inputs = inputs
        self.schema = StructType(keyFields + inputs.enumerated().map { StructField("raw#\($0.offset)", $0.element.dataType) })
        self.partialSchema = partialSchema
        self.rawAggregates = rawAggregates
    }

    /// Bytes a row of these types takes in a batch (a string's offset and a guess at its bytes);
    /// nil for lists.
    static func width(_ types: [DataType]) -> Int? {
        var total = 0
        for t in types {
            switch t {
            case .long, .double, .timestamp: total += 8
            case .date: total += 4
            case .boolean: total += 1
            case .string: total += 20
            default: return nil
            }
        }
        return total
    }

    /// The raw rows of an input batch whose keys are already evaluated.
    func rawBatch(_ batch: ColumnarBatch, keyColumns: [ColumnVector]) throws -> ColumnarBatch {
        let columns = try keyColumns + inputs.map { try $0.evaluate(batch) }
        return ColumnarBatch(schema: schema, columns: columns, numRows: batch.numRows)
    }

    /// Raw rows as one-row partial buffers (keys ++ buffers), as the Partial aggregate would have
    /// passed them through.
    func expand(_ raw: ColumnarBatch) throws -> ColumnarBatch {
        let keyRefs = (0..<keyCount).map { BoundExpression.column($0, schema.fields[$0].dataType) }
        return try PartialPassThrough.convert(raw, keys: keyRefs, aggregates: rawAggregates, schema: partialSchema)
    }

    /// The expansion a shuffle reader applies to the batches of raw rows it meets.
    var expansion: RawRowsExpansion {
        let layout = self
        return RawRowsExpansion(schema: schema) { try layout.expand($0) }
    }
}

/// A consumer that can take a Partial aggregate's raw rows (the shuffle's map side).
protocol RawRowsConsumer: BatchConsumer {
    /// Whether raw rows with the keys first, `keyCount` of them, can go where this consumer sends
    /// rows (its partitioning reads the keys only).
    func acceptsRawRows(keyCount: Int) -> Bool
    func consumeRaw(_ batch: ColumnarBatch) throws
}
