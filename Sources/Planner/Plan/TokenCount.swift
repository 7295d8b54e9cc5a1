// TokenCount: a fused partial aggregate for the word-count shape
//
//   HashAggregate(Partial, keys=[word], count(*))            TokenCount(column c, pattern,
//     Project [lower(token) AS word]        (optional)  ──►             lowercase, dropEmpty)
//       Filter token != ''                   (optional)          child
//         Generate explode(split(c, pattern)) AS token
//           child
//
// Same result, one pass: tokens are found in the line bytes, lowercased into a scratch buffer and
// counted in a string-keyed group table, with no array, token or word column in between (Spark
// gets the same effect from whole-stage code generation). Applies only when the pattern is a
// byte class that StringSplitter runs natively.

@_spi(EmberInternal) public struct TokenCount: Sendable, Codable, Hashable {
    /// The string column to tokenize.
    @_spi(EmberInternal) public var column: Int
    @_spi(EmberInternal) public var pattern: String
    @_spi(EmberInternal) public var lowercase: Bool
    /// Skip empty tokens (the fused `token != ''` filter).
    @_spi(EmberInternal) public var dropEmpty: Bool
    /// The partial aggregate's output: [word: string, count buffer: bigint].
    @_spi(EmberInternal) public var schema: StructType

    @_spi(EmberInternal) public func describe(_ childSchema: StructType) -> String {
        let name = column < childSchema.count ? childSchema.fields[column].name : "#\(column)"
        return "TokenCount(split(\(name)#\(column), \(pattern))\(lowercase ? ", lower" : "")\(dropEmpty ? ", drop empty" : ""))"
    }
}

@_spi(EmberInternal) public enum TokenCountFusion {
    /// Rewrites every matching partial aggregate in the plan.
    @_spi(EmberInternal) public static func apply(_ plan: PhysicalPlan) -> PhysicalPlan {
        switch plan {
        case .hashAggregate(.partial, let keys, let aggs, let schema, let child):
            if let fused = match(keys: keys, aggs: aggs, schema: schema, child: child) { return fused }
            return .hashAggregate(.partial, keys: keys, aggregates: aggs, schema, apply(child))
        default:
            return plan.withNewChildren(plan.children.map(apply))
        }
    }

    static func match(keys: [BoundExpression], aggs: [BoundAggregate], schema: StructType, child: PhysicalPlan) -> PhysicalPlan? {
        guard keys.count == 1, case .column(let keyIndex, .string) = keys[0],
              aggs.count == 1, aggs[0].function == .count, aggs[0].input == nil else { return nil }
        var node = child
        var element = keyIndex
        var lowercase = false
        if case .project(let exprs, _, let c) = node {
            guard keyIndex < exprs.count else { return nil }
            switch exprs[keyIndex] {
            case .lower(.column(let j, .string)): lowercase = true; element = j
            case .column(let j, .string): element = j
            default: return nil
            }
            node = c
        }
        var dropEmpty = false
        // Projections that only pick columns (select of the exploded column) are looked through,
        // and one filter dropping empty tokens, above or below them.
        while true {
            if case .project(let exprs, _, let c) = node, element < exprs.count, case .column(let j, _) = exprs[element] {
                element = j
                node = c
            } else if !dropEmpty, case .filter(let predicate, let c) = node {
                switch predicate {
                case .comparison(.notEqual, .column(let j, _), .literal(.string(""), _)),
                     .comparison(.notEqual, .literal(.string(""), _), .column(let j, _)):
                    guard j == element else { return nil }
                    dropEmpty = true
                default: return nil
                }
                node = c
            } else {
                break
            }
        }
        guard case .generate(let g, let source) = node, element == g.keptChildColumns.count,
              case .split(.column(let c, .string), let pattern) = g.expression,
              let splitter = try? StringSplitter.compile(pattern), splitter.isByteClass else { return nil }
        let fused = TokenCount(column: c, pattern: pattern, lowercase: lowercase, dropEmpty: dropEmpty, schema: schema)
        return .tokenCount(fused, apply(source))
    }
}
