// FuzzJoinSteps: the fuzzer's steps over two inputs. The second input is always built from the
// same source table through its own short chain of steps (`right`).
//   - FuzzJoin: `left.join(right, on: …, how: …)` with equi keys (`===`, `<=>`) on some columns, an
//     optional residual condition, or no keys at all (a nested loop); `using` joins (`on: [names]`),
//     `crossJoin`; broadcast hints on either side. The condition names columns plainly
//     (`col("x")`, names unique across the sides), through the DataFrames (`left["x"]`), or through
//     aliases (`left.alias("l")`, `col("l.x")`), where names may clash and a select of qualified
//     columns follows the join.
//   - FuzzSetOperation: union/unionAll/unionByName(allowMissingColumns:), intersect, subtract/except.
// Each prints as Swift statements (FuzzPlan.swiftText) so that a failing seed can be replayed.

import Engine
@_spi(EmberInternal) import Planner

/// How a join's condition names the two sides' columns.
enum FuzzQualifier: String, Sendable {
    /// `col("x")`: every name is unique across the two sides.
    case plain
    /// `left["x"]`, `right["y"]`.
    case dataFrame
    /// `left.alias("l")`, `right.alias("r")`, `col("l.x")`; the reference's names are "l.x", "r.y".
    case alias
}

enum FuzzBroadcast: Sendable { case none, left, right }

struct FuzzJoinKey: Sendable {
    var left: String
    var right: String
    var nullSafe: Bool
    /// Written right side first (`r === l`).
    var swapped: Bool
}

struct FuzzJoin: Sendable {
    /// The second input: steps over the source table.
    var right: [FuzzStep]
    /// The spelling passed as `how:` (one of Spark's names for `type`).
    var how: String
    var type: JoinType
    var keys: [FuzzJoinKey]
    /// `join(right, on: [names])`: keys of the same name on both sides, `===` only, no residual.
    var using: Bool
    /// Over both sides' columns (qualified "l.x"/"r.y" under `.alias`).
    var residual: FuzzExpr?
    var qualifier: FuzzQualifier
    var broadcast: FuzzBroadcast
    /// `crossJoin(right)` (no keys, no residual).
    var crossJoin: Bool
    /// Under `.alias`: a select of qualified columns after the join (names may clash without it).
    var output: [FuzzKey]?

    static let aliases = ("l", "r")

    func apply(_ df: DataFrame, source: DataFrame) throws -> DataFrame {
        let rightDF = try right.reduce(source) { try $1.apply($0, source: source) }
        var l = broadcast == .left ? Engine.broadcast(df) : df
        var r = broadcast == .right ? Engine.broadcast(rightDF) : rightDF
        if qualifier == .alias { l = l.alias(Self.aliases.0); r = r.alias(Self.aliases.1) }
        let joined: DataFrame
        if crossJoin {
            joined = l.crossJoin(r)
        } else if using {
            let names = keys.map(\.left)
            joined = names.count == 1 ? l.join(r, on: names[0], how: how) : l.join(r, on: names, how: how)
        } else if let condition = condition(left: { df[$0] }, right: { rightDF[$0] }) {
            joined = l.join(r, on: condition, how: how)
        } else {
            joined = l.join(r)
        }
        return output.map { joined.select($0.map(\.column)) } ?? joined
    }

    /// The condition as a Column; `left`/`right` give `df["x"]` of each side.
    func condition(left: (String) -> Engine.Column, right: (String) -> Engine.Column) -> Engine.Column? {
        var parts: [Engine.Column] = keys.map { k in
            let a: Engine.Column, b: Engine.Column
            switch qualifier {
            case .plain: (a, b) = (col(k.left), col(k.right))
            case .dataFrame: (a, b) = (left(k.left), right(k.right))
            case .alias: (a, b) = (col("\(Self.aliases.0).\(k.left)"), col("\(Self.aliases.1).\(k.right)"))
            }
            let (x, y) = k.swapped ? (b, a) : (a, b)
            return k.nullSafe ? x <=> y : x === y
        }
        if let residual { parts.append(residual.column) }
        guard let first = parts.first else { return nil }
        return parts.dropFirst().reduce(first) { $0 && $1 }
    }

    /// `left.join(right, on: …, how: …)` over the variables `left` and `right`.
    func swiftText(left: String, right: String) -> String {
        var l = broadcast == .left ? "broadcast(\(left))" : left
        var r = broadcast == .right ? "broadcast(\(right))" : right
        if qualifier == .alias { l += ".alias(\(quoted(Self.aliases.0)))"; r += ".alias(\(quoted(Self.aliases.1)))" }
        var text: String
        if crossJoin {
            text = "\(l).crossJoin(\(r))"
        } else if using {
            let names = keys.map { quoted($0.left) }
            text = "\(l).join(\(r), on: \(names.count == 1 ? names[0] : "[" + names.joined(separator: ", ") + "]"), how: \(quoted(how)))"
        } else if let condition = conditionText(left: left, right: right) {
            text = "\(l).join(\(r), on: \(condition), how: \(quoted(how)))"
        } else {
            text = "\(l).join(\(r))"
        }
        if let output { text += "\n    .select(\(output.map(\.swiftText).joined(separator: ", ")))" }
        return text
    }

    func conditionText(left: String, right: String) -> String? {
        var parts: [String] = keys.map { k in
            let a: String, b: String
            switch qualifier {
            case .plain: (a, b) = ("col(\(quoted(k.left)))", "col(\(quoted(k.right)))")
            case .dataFrame: (a, b) = ("\(left)[\(quoted(k.left))]", "\(right)[\(quoted(k.right))]")
            case .alias: (a, b) = ("col(\(quoted("\(Self.aliases.0).\(k.left)")))", "col(\(quoted("\(Self.aliases.1).\(k.right)")))")
            }
            let (x, y) = k.swapped ? (b, a) : (a, b)
            return "\(x) \(k.nullSafe ? "<=>" : "===") \(y)"
        }
        if let residual { parts.append(residual.swiftText) }
        guard !parts.isEmpty else { return nil }
        return parts.count == 1 ? parts[0] : "(" + parts.joined(separator: ") && (") + ")"
    }
}

enum FuzzSetKind: String, Sendable {
    case union, unionAll, unionByName, intersect, subtract, except

    var isUnion: Bool { self == .union || self == .unionAll || self == .unionByName }
}

struct FuzzSetOperation: Sendable {
    var kind: FuzzSetKind
    var allowMissingColumns: Bool
    /// The second input: steps over the source table, ending with a select that lines its columns
    /// up with the first input's.
    var right: [FuzzStep]

    func apply(_ df: DataFrame, source: DataFrame) throws -> DataFrame {
        let other = try right.reduce(source) { try $1.apply($0, source: source) }
        switch kind {
        case .union: return df.union(other)
        case .unionAll: return df.unionAll(other)
        case .unionByName: return df.unionByName(other, allowMissingColumns: allowMissingColumns)
        case .intersect: return df.intersect(other)
        case .subtract: return df.subtract(other)
        case .except: return df.except(other)
        }
    }

    func swiftText(right variable: String) -> String {
        if kind == .unionByName { return ".unionByName(\(variable), allowMissingColumns: \(allowMissingColumns))" }
        return ".\(kind.rawValue)(\(variable))"
    }
}
