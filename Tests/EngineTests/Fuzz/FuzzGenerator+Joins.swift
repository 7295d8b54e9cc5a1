// FuzzGenerator+Joins: random joins, set operations and distinct. The second input of a join or a
// set operation is the source table through its own short chain of steps (on a large table it
// usually starts with an aggregate, so that joins stay small enough to check).
//   - joins: every join type under one of Spark's spellings; 0–2 equi keys (`===` or `<=>`, same
//     types or bigint against double), preferring columns with the same origin so rows match;
//     an optional residual condition (always one for an outer, semi or anti join without keys);
//     `using` joins, crossJoin; conditions naming columns plainly, through the DataFrames or
//     through aliases, the right side's names clashing with the left's under aliases; broadcast
//     hints on either side;
//   - set operations: union/unionAll/unionByName (with missing columns, bigint widened to double),
//     intersect, subtract/except; distinct.

@_spi(EmberInternal) import Planner

extension FuzzGenerator {
    static let joinSpellings: [(JoinType, [String])] = [
        (.inner, ["inner"]), (.cross, ["cross"]), (.leftOuter, ["left", "leftouter", "left_outer"]),
        (.rightOuter, ["right", "right_outer"]), (.fullOuter, ["full", "outer", "full_outer", "fullouter"]),
        (.leftSemi, ["left_semi", "semi", "leftsemi"]), (.leftAnti, ["left_anti", "anti"]),
    ]

    /// A short chain over the source table (no limits, no caches); leaves `columns` as its output.
    mutating func secondInput() -> [FuzzStep] {
        columns = tableColumns
        var steps: [FuzzStep] = []
        if rows > 20_000 && chance(0.8) { steps += aggregate() ?? [] }
        for _ in 0..<rng.below(3) {
            switch rng.below(10) {
            case 0, 1, 2: steps.append(.filter(expr(.boolean, 0)))
            case 3, 4: steps += withColumn() ?? []
            case 5, 6: steps += aggregate() ?? []
            case 7: steps += distinctStep() ?? []
            case 8:
                guard let c = usable.randomElement(using: &rng) else { continue }
                steps.append(.repartition(1 + rng.below(6), chance(0.5) ? [c.name] : []))
            default: steps += select() ?? []
            }
        }
        return steps
    }

    mutating func distinctStep() -> [FuzzStep]? {
        if chance(0.5) {
            // dropDuplicates on some exact columns, keeping those.
            let keys = columns.filter(\.exact).shuffled(using: &rng).prefix(1 + rng.below(2))
            guard !keys.isEmpty else { return nil }
            columns = keys.map { c -> FuzzColumn in var c = c; c.unique = false; return c }
            return [.dropDuplicates(keys.map(\.name))]
        }
        guard !columns.isEmpty, columns.allSatisfy(\.exact) else { return nil }
        for i in columns.indices { columns[i].unique = false }
        return [.distinct]
    }

    static func joinable(_ a: DataType, _ b: DataType) -> Bool {
        a == b || (Set([a, b]) == [.long, .double])
    }

    mutating func joinStep() -> [FuzzStep]? {
        let left = columns.map { c -> FuzzColumn in var c = c; c.unique = false; return c }
        guard !left.isEmpty else { return nil }
        var right = secondInput()
        let qualifier = pick([FuzzQualifier.plain, .plain, .dataFrame, .alias, .alias])
        let clash = qualifier == .alias && chance(0.5)
        let (type, spellings) = pick(Self.joinSpellings)
        let how = pick(spellings)
        let using = qualifier == .plain && chance(0.25)

        // Keys: pairs of (left, right-before-renaming) columns.
        var keyPairs: [(FuzzColumn, FuzzColumn)] = []
        let rightUsable = usable
        for _ in 0..<pick([0, 1, 1, 1, 2, 2]) {
            let pairs = left.filter(\.exact).flatMap { l in
                rightUsable.filter { Self.joinable(l.type, $0.type) && (!using || l.type == $0.type) }.map { (l, $0) }
            }.filter { p in !keyPairs.contains { $0.0.name == p.0.name || $0.1.name == p.1.name } }
            let sameOrigin = pairs.filter { $0.0.name == $0.1.name }
            guard let pair = (chance(0.7) ? sameOrigin.randomElement(using: &rng) : nil) ?? pairs.randomElement(using: &rng) else { break }
            keyPairs.append(pair)
        }
        let usingJoin = using && !keyPairs.isEmpty

        // The right side's columns under their names in the join (fresh, the left key's for a
        // using join, or unchanged when they may clash).
        var items: [FuzzKey] = []
        var rightColumns: [FuzzColumn] = []
        var renamed: [String: String] = [:]
        let order = columns.shuffled(using: &rng)
        for c in order {
            let isKey = keyPairs.contains { $0.1.name == c.name }
            guard isKey || chance(0.8) || (items.isEmpty && c.name == order.last?.name) else { continue }
            let name = clash ? c.name : usingJoin && isKey ? keyPairs.first { $0.1.name == c.name }!.0.name : fresh("j")
            renamed[c.name] = name
            items.append(FuzzKey(expr: .column(c.name), alias: name == c.name ? nil : name))
            var column = c
            column.name = name
            column.unique = false
            rightColumns.append(column)
        }
        right.append(.select(items))
        let keys = keyPairs.map { FuzzJoinKey(left: $0.0.name, right: renamed[$0.1.name]!, nullSafe: !usingJoin && chance(0.35), swapped: chance(0.3)) }

        // The residual: over both sides, qualified under aliases.
        var residual: FuzzExpr? = nil
        let needsCondition = keys.isEmpty && type != .inner && type != .cross
        if !usingJoin && (needsCondition || chance(keys.isEmpty ? 0.6 : 0.3)) {
            let (lq, rq) = qualifier == .alias ? ("\(FuzzJoin.aliases.0).", "\(FuzzJoin.aliases.1).") : ("", "")
            let saved = columns
            columns = left.map { var c = $0; c.name = lq + c.name; return c } + rightColumns.map { var c = $0; c.name = rq + c.name; return c }
            residual = crossComparison(prefixes: (lq, rq), leftCount: left.count) ?? expr(.boolean, 1)
            if chance(0.4) { residual = .and(residual!, expr(.boolean, 1)) }
            columns = saved
        }
        let crossJoin = keys.isEmpty && residual == nil && type == .cross && chance(0.7)
        let effectiveType: JoinType = keys.isEmpty && residual == nil && !crossJoin ? .inner : type
        let effectiveHow = effectiveType == type ? how : "inner"

        var output: [FuzzKey]? = nil
        var out = left
        if usingJoin {
            let keyNames = Set(keys.map(\.left))
            out = keys.map { k in left.first { $0.name == k.left }! } + left.filter { !keyNames.contains($0.name) }
            if effectiveType.outputsRightColumns { out += rightColumns.filter { !keyNames.contains($0.name) } }
        } else if clash {
            output = left.map { FuzzKey(expr: .column("\(FuzzJoin.aliases.0).\($0.name)"), alias: $0.name) }
            if effectiveType.outputsRightColumns {
                for c in rightColumns {
                    let name = fresh("j")
                    output!.append(FuzzKey(expr: .column("\(FuzzJoin.aliases.1).\(c.name)"), alias: name))
                    var column = c
                    column.name = name
                    out.append(column)
                }
            }
        } else if effectiveType.outputsRightColumns {
            out += rightColumns
        }
        columns = out
        return [.join(FuzzJoin(right: right, how: effectiveHow, type: effectiveType, keys: keys, using: usingJoin, residual: residual,
                               qualifier: qualifier, broadcast: pick([.none, .none, .none, .left, .right]), crossJoin: crossJoin,
                               output: output))]
    }

    /// A comparison of a left column with a right one (names already qualified in `columns`).
    mutating func crossComparison(prefixes: (String, String), leftCount: Int) -> FuzzExpr? {
        let l = Array(columns.prefix(leftCount)).filter(\.exact), r = Array(columns.dropFirst(leftCount)).filter(\.exact)
        let pairs = l.flatMap { a in r.filter { Self.joinable(a.type, $0.type) }.map { (a, $0) } }
        guard let (a, b) = pairs.randomElement(using: &rng) else { return nil }
        return .compare(pick(FuzzComparison.allCases), .column(a.name), .column(b.name))
    }

    mutating func setOperationStep() -> [FuzzStep]? {
        let left = columns
        let kind = pick([FuzzSetKind.union, .unionAll, .unionByName, .unionByName, .intersect, .subtract, .except])
        guard !left.isEmpty, kind.isUnion || left.allSatisfy(\.exact) else { return nil }
        var right = secondInput()
        let allowMissing = kind == .unionByName && chance(0.5)
        var items: [FuzzKey] = []
        var out: [FuzzColumn] = []
        for c in left {
            var column = c
            column.unique = false
            if allowMissing && chance(0.2) { out.append(column); continue }   // null on the right
            let wanted = (c.type == .long || c.type == .double) && chance(0.3) ? (c.type == .long ? DataType.double : .long) : c.type
            let e: FuzzExpr
            if chance(0.1) {
                e = .cast(.literal(.null, wanted), wanted)
            } else if chance(0.75), let rc = usable.filter({ $0.type == wanted }).randomElement(using: &rng) {
                e = .column(rc.name)
            } else {
                e = expr(wanted, 1)
            }
            let b = NumericBound.of(e, bounds)
            column.type = wanted == c.type ? c.type : .double
            column.bound = NumericBound(magnitude: Swift.max(b.magnitude, c.bound.magnitude), fraction: Swift.max(b.fraction, c.bound.fraction))
            items.append(FuzzKey(expr: e, alias: kind == .unionByName || chance(0.5) ? c.name : fresh("j")))
            out.append(column)
        }
        if allowMissing && (items.isEmpty || chance(0.4)) {
            let e = expr(pick([.long, .double, .string]), 1)
            let name = fresh("j")
            items.append(FuzzKey(expr: e, alias: name))
            out.append(FuzzColumn(name: name, type: e.type(in: typeByName), bound: NumericBound.of(e, bounds), exact: true))
        }
        if kind == .unionByName { items.shuffle(using: &rng) }
        right.append(.select(items))
        columns = out
        return [.setOperation(FuzzSetOperation(kind: kind, allowMissingColumns: allowMissing, right: right))]
    }
}
