// PhysicalPlanner+Aggregate: an aggregate is a Partial aggregate in the map stage, an exchange
// that brings each group's partial rows to one partition, and a Final aggregate there:
//
//   Aggregate(keys, fns)        HashAggregate(Final, keys, fns)
//        │              ──►           │
//      child                  Exchange hashpartitioning(keys, n)   (SinglePartition if no keys)
//                                     │
//                             HashAggregate(Partial, keys, fns)    rows out: keys ++ buffers
//                                     │
//                                   child
//
// Sorted by its grouping keys (`groupBy(k).agg(…).orderBy(k)`), the aggregate's exchange is the
// sort's range exchange instead: range partitioning on some of the grouping keys puts every row of
// a group in one partition as hash partitioning does, and the partitions come out in key order, so
// the sort needs no second shuffle of the aggregated rows (Spark shuffles twice).

extension PhysicalPlanner.Builder {
    /// Partial → exchange → Final; `partitioning`: the exchange's, when not hash partitioning on all keys.
    func planAggregate(_ keys: [BoundExpression], _ aggs: [BoundAggregate], _ schema: StructType, _ child: ResolvedPlan,
                       partitioning: Partitioning?) -> PhysicalPlan {
        let k = keys.count
        var partialFields = Array(schema.fields.prefix(k))
        for a in aggs {
            for (j, t) in a.bufferTypes.enumerated() { partialFields.append(StructField("\(a.name)#buf\(j)", t)) }
        }
        let partialSchema = StructType(partialFields)
        let partial = PhysicalPlan.hashAggregate(.partial, keys: keys, aggregates: aggs, partialSchema, convert(child))
        let keyRefs = (0..<k).map { BoundExpression.column($0, partialFields[$0].dataType) }
        let exchange = partitioning ?? (k == 0 ? .single : .hash(keyRefs, shufflePartitions))
        return .hashAggregate(.final, keys: keyRefs, aggregates: aggs, schema, .exchange(exchange, partial))
    }

    /// Whether `orders` sort an aggregate's output by grouping-key columns only (its first
    /// `keyCount` columns, which the Partial aggregate's rows start with too).
    static func sortsByGroupingKeys(_ orders: [BoundSortOrder], keyCount: Int) -> Bool {
        guard keyCount > 0, !orders.isEmpty else { return false }
        return orders.allSatisfy { order in
            if case .column(let i, _) = order.expression { return i < keyCount }
            return false
        }
    }
}
