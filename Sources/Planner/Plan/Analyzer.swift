// Analyzer: resolves names and types of a LogicalPlan into a ResolvedPlan, with errors that say
// what is wrong and what is available (an unknown column lists the columns it could have meant).

@_spi(EmberInternal) public enum Analyzer {
    @_spi(EmberInternal) public static func resolve(_ plan: LogicalPlan) throws -> ResolvedPlan { try resolveScoped(plan).0 }

    /// Resolves a plan and says which qualifiers each output column answers to.
    static func resolveScoped(_ plan: LogicalPlan) throws -> (ResolvedPlan, Scope) {
        switch plan {
        case .invalid(let error):
            throw error
        case .relation(let r):
            var fileScan = FileScan(paths: r.paths, format: r.format, dataSchema: r.schema, partitionSchema: r.partitionSchema, splits: r.splits)
            fileScan.limits = r.limits
            let scan = ResolvedPlan.scan(fileScan)
            return (scan, Scope(scan.schema))
        case .range(let r):
            guard r.step != 0, r.numPartitions >= 1 else {
                throw EmberError(.analysis, "range needs a non-zero step and at least one partition")
            }
            return (.range(r), Scope(RangeSpec.schema))
        case .cache(let id, let level, let child):
            let (c, scope) = try resolveScoped(child)
            return (.cache(id: id, level, c), scope)
        case .coalesce(let n, let child):
            guard n >= 1 else { throw EmberError(.analysis, "coalesce needs at least 1 partition, got \(n)") }
            let (c, scope) = try resolveScoped(child)
            return (.coalesce(n, c), scope)
        case .repartition(let n, let keys, let child):
            guard n >= 1 else { throw EmberError(.analysis, "repartition needs at least 1 partition, got \(n)") }
            let (c, scope) = try resolveScoped(child)
            if keys.isEmpty { return (.repartition(.roundRobin(n), c), scope) }
            return (.repartition(.hash(try keys.map { try bind($0, scope) }, n), c), scope)
        case .filter(let condition, let child):
            if condition.containsSubquery { return try resolveFilterWithSubqueries(condition, child) }
            let (c, scope) = try resolveScoped(child)
            let bound = asCondition(try bind(condition, scope))
            guard bound.dataType == .boolean else {
                throw EmberError(.analysis, "filter condition '\(condition.displayName)' is of type \(bound.dataType), not boolean",
                                 hint: "compare the column with a value, e.g. col(\"x\") > 0")
            }
            return (.filter(bound, c), scope)
        case .project(let exprs, let child):
            if exprs.contains(where: \.containsSubquery) { return try resolveProjectWithSubqueries(exprs, child) }
            return try resolveProject(exprs, try resolveScoped(child))
        case .aggregate(let keys, let aggs, let child):
            if aggs.contains(where: isExpressionOverAggregates) { return try resolveAggregateExpressions(keys, aggs, child) }
            if aggs.contains(where: isDistinctAggregate) { return try resolveDistinctAggregate(keys, aggs, try resolveScoped(child)) }
            return try resolveAggregate(keys, aggs, try resolveScoped(child))
        case .sort(let orders, let child), .sortWithinPartitions(let orders, let child):
            let (c, scope) = try resolveScoped(child)
            let bound = try orders.map {
                BoundSortOrder(expression: try bind($0.expression, scope), ascending: $0.ascending, nullsFirst: $0.nullsFirst)
            }
            if case .sortWithinPartitions = plan { return (.sortWithinPartitions(bound, c), scope) }
            return (.sort(bound, c), scope)
        case .limit(let n, let child):
            guard n >= 0 else {
                throw EmberError(.analysis, "limit must be non-negative, got \(n)")
            }
            let (c, scope) = try resolveScoped(child)
            return (.limit(n, c), scope)
        case .subqueryAlias(let name, let child):
            let (c, scope) = try resolveScoped(child)
            return (c, scope.aliased(name))
        case .dataFrameTag(let id, let child):
            let (c, scope) = try resolveScoped(child)
            return (c, scope.tagged("#\(id)"))
        case .broadcastHint(let child):
            let (c, scope) = try resolveScoped(child)
            return (.broadcastHint(c), scope)
        case .join(let l, let r, let type, let criteria):
            return try resolveJoin(try resolveScoped(l), try resolveScoped(r), type, criteria)
        case .union(let l, let r, let byName, let allowMissing):
            return try resolveUnion(try resolveScoped(l), try resolveScoped(r), byName: byName, allowMissingColumns: allowMissing)
        case .distinct(let child):
            return try resolveDistinct(try resolveScoped(child))
        case .dropDuplicates(let names, let child):
            return try resolveDropDuplicates(names, try resolveScoped(child))
        case .intersect(let l, let r):
            return try resolveSetOperation(try resolveScoped(l), try resolveScoped(r), .leftSemi, "intersect")
        case .except(let l, let r):
            return try resolveSetOperation(try resolveScoped(l), try resolveScoped(r), .leftAnti, "subtract")
        }
    }

    // MARK: select / withColumn (with at most one generator, like Spark)

    /// `starColumns`: how many of the child's columns `*` stands for (all, unless joins for scalar
    /// subqueries or window nodes appended theirs).
    static func resolveProject(_ exprs: [Expression], _ resolvedChild: (ResolvedPlan, Scope), starColumns: Int? = nil) throws -> (ResolvedPlan, Scope) {
        if exprs.contains(where: \.containsWindow) { return try resolveWindowedProject(exprs, resolvedChild, starColumns: starColumns) }
        let (child, childScope) = resolvedChild
        var input = child
        var inputScope = childScope
        var list = exprs
        let generators = exprs.indices.filter { exprs[$0].containsGenerator }
        if generators.count > 1 {
            throw EmberError(.analysis, "only one generator (explode) is allowed per select, found \(generators.count)",
                             hint: "split the query into two selects")
        }
        if let g = generators.first {
            var expr = exprs[g]
            var alias: String? = nil
            if case .alias(let inner, let name) = expr { expr = inner; alias = name }
            guard case .explode(let arrayExpr) = expr else {
                throw EmberError(.analysis, "explode must be the whole select item (optionally aliased), not nested in '\(exprs[g].displayName)'")
            }
            let bound = try bind(arrayExpr, childScope)
            guard case .array(let elementType) = bound.dataType else {
                throw EmberError(.analysis, "explode expects an array, but '\(arrayExpr.displayName)' is \(bound.dataType)",
                                 hint: "use split(col, pattern) to make an array of strings")
            }
            let name = alias ?? "col"
            let schema = StructType(child.schema.fields + [StructField(name, elementType)])
            input = .generate(Generator(expression: bound, keptChildColumns: Array(child.schema.fields.indices), schema: schema), child)
            inputScope = Scope(schema, qualifiers: childScope.qualifiers + [[]])
            list[g] = .column("#generated")
        }
        let schema = input.schema
        var bound: [BoundExpression] = []
        var fields: [StructField] = []
        var qualifiers: [[String]] = []
        for (k, e) in list.enumerated() {
            if case .star = e {
                for (i, f) in child.schema.fields.prefix(starColumns ?? .max).enumerated() {
                    bound.append(.column(i, f.dataType))
                    fields.append(f)
                    qualifiers.append(childScope.qualifiers[i])
                }
                continue
            }
            if case .column("#generated") = e {
                let i = schema.count - 1
                bound.append(.column(i, schema.fields[i].dataType))
                fields.append(schema.fields[i])
                qualifiers.append([])
                continue
            }
            if e.containsAggregate {
                throw EmberError(.analysis, "aggregate function in select: '\(exprs[k].displayName)'",
                                 hint: "use groupBy(...).agg(...) (or agg(...) for a global aggregate)")
            }
            let b = try bind(e, inputScope)
            bound.append(b)
            fields.append(StructField(outputName(e, b, inputScope), b.dataType))
            qualifiers.append(passedThroughQualifiers(e, b, inputScope))
        }
        let out = StructType(fields)
        return (.project(bound, out, input), Scope(out, qualifiers: qualifiers))
    }

    /// The output name of a select item: a qualified column (`col("a.x")`) is named `x`, as in Spark.
    static func outputName(_ e: Expression, _ b: BoundExpression, _ scope: Scope) -> String {
        if case .column(let name) = e, case .column(let i, _) = b, name.contains("."),
           scope.schema.fields[i].name.lowercased() != name.lowercased() {
            return scope.schema.fields[i].name
        }
        return e.displayName
    }

    /// A column passed through unrenamed keeps its qualifiers; anything computed has none.
    static func passedThroughQualifiers(_ e: Expression, _ b: BoundExpression, _ scope: Scope) -> [String] {
        switch (e, b) {
        case (.column, .column(let i, _)), (.qualifiedColumn, .column(let i, _)): return scope.qualifiers[i]
        default: return []
        }
    }

    // MARK: groupBy().agg()

    static func resolveAggregate(_ keys: [Expression], _ aggs: [Expression], _ resolvedChild: (ResolvedPlan, Scope)) throws -> (ResolvedPlan, Scope) {
        let (child, scope) = resolvedChild
        var fields: [StructField] = []
        var qualifiers: [[String]] = []
        var boundKeys: [BoundExpression] = []
        for k in keys {
            if k.containsAggregate || k.containsGenerator {
                throw EmberError(.analysis, "grouping expression '\(k.displayName)' may not contain aggregates or generators")
            }
            let b = try bind(k, scope)
            qualifiers.append(passedThroughQualifiers(k, b, scope))
            if case .array = b.dataType {
                throw EmberError(.analysis, "cannot group by '\(k.displayName)' of type \(b.dataType)",
                                 hint: "explode the array first, or group by a scalar column")
            }
            boundKeys.append(b)
            fields.append(StructField(outputName(k, b, scope), b.dataType))
        }
        var boundAggs: [BoundAggregate] = []
        for a in aggs {
            var expr = a
            var name = a.displayName
            if case .alias(let inner, let n) = a { expr = inner; name = n }
            guard case .aggregate(let f, let arg) = expr else {
                throw EmberError(.analysis, "'\(a.displayName)' is not an aggregate function",
                                 hint: "agg takes count, sum, avg, min or max of a column, e.g. sum(col(\"x\")).alias(\"total\")")
            }
            let input = try bindAggregateInput(f, arg, scope, item: a)
            let agg = BoundAggregate(function: f, input: input, name: name)
            boundAggs.append(agg)
            fields.append(StructField(name, agg.resultType, nullable: f != .count))
            qualifiers.append([])
        }
        let out = StructType(fields)
        return (.aggregate(keys: boundKeys, aggregates: boundAggs, out, child), Scope(out, qualifiers: qualifiers))
    }

    /// Binds an aggregate's argument with its implicit casts and checks (nil: count(*) / count(1)).
    static func bindAggregateInput(_ f: AggregateFunction, _ arg: Expression?, _ scope: Scope, item: Expression) throws -> BoundExpression? {
        var input: BoundExpression? = nil
        if let arg {
            if arg.containsAggregate {
                throw EmberError(.analysis, "nested aggregate in '\(item.displayName)'")
            }
            if case .star = arg {
                guard f == .count else {
                    throw EmberError(.analysis, "\(f.rawValue)(*) is not defined", hint: "name a column, e.g. \(f.rawValue)(col(\"x\"))")
                }
            } else if case .literal(let v) = arg, f == .count, !v.isNull {
                input = nil   // count(1) == count(*)
            } else {
                var b = try bind(arg, scope)
                switch f {
                case .sum, .avg:
                    // Like Spark, a string argument is implicitly cast to double (unparsable → null).
                    if b.dataType == .string { b = .cast(b, .double) }
                    guard b.dataType.isNumeric else {
                        throw EmberError(.analysis, "\(f.rawValue) needs a numeric column, but '\(arg.displayName)' is \(b.dataType)",
                                         hint: "cast it first, e.g. col(\"\(arg.displayName)\").cast(.double)")
                    }
                case .min, .max:
                    if case .array = b.dataType {
                        throw EmberError(.analysis, "\(f.rawValue) is not defined on arrays ('\(arg.displayName)')")
                    }
                case .count: break
                default: b = try checkedInput(f, b, arg)
                }
                input = b
            }
        }
        return input
    }

    // MARK: expressions

    /// Binds an expression against an input schema (no qualifiers).
    @_spi(EmberInternal) public static func bind(_ e: Expression, _ schema: StructType) throws -> BoundExpression { try bind(e, Scope(schema)) }

    /// Binds an expression against the columns of a scope.
    static func bind(_ e: Expression, _ scope: Scope) throws -> BoundExpression {
        let schema = scope.schema
        switch e {
        case .column(let name):
            let i = try scope.resolve(name)
            return .column(i, schema.fields[i].dataType)
        case .qualifiedColumn(let qualifier, let name):
            let i = try scope.resolveQualified(qualifier, name)
            return .column(i, schema.fields[i].dataType)
        case .star:
            throw EmberError(.analysis, "'*' can only be used as a select item or in count(*)")
        case .literal(let v):
            return .literal(v, v.dataType ?? .string)
        case .alias(let inner, _):
            return try bind(inner, scope)
        case .binary(let op, let l, let r):
            return try bindBinary(op, try bind(l, scope), try bind(r, scope), e)
        case .not(let inner):
            let b = asCondition(try bind(inner, scope))
            guard b.dataType == .boolean else {
                throw EmberError(.analysis, "NOT needs a boolean, but '\(inner.displayName)' is \(b.dataType)")
            }
            return .not(b)
        case .negate(let inner):
            var b = try bind(inner, scope)
            if b.dataType == .string { b = .cast(b, .double) }   // Spark (non-ANSI) reads the text as a double
            guard b.dataType.isNumeric else {
                throw EmberError(.analysis, "cannot negate '\(inner.displayName)' of type \(b.dataType)")
            }
            return .negate(b)
        case .isNull(let inner): return .isNull(try bind(inner, scope))
        case .isNotNull(let inner): return .isNotNull(try bind(inner, scope))
        case .function(let f, let args):
            let bound = try args.map { try bind($0, scope) }
            func stringArg() throws -> BoundExpression {
                guard bound.count == 1 else { throw EmberError(.analysis, "\(e.displayName) takes one argument") }
                if bound[0].dataType == .string { return bound[0] }
                if case .array = bound[0].dataType {
                    throw EmberError(.analysis, "'\(e.displayName)' needs a string, but its argument is \(bound[0].dataType)")
                }
                return .cast(bound[0], .string)
            }
            switch f {
            case .lower: return .lower(try stringArg())
            case .upper: return .upper(try stringArg())
            case .length: return .length(try stringArg())
            case .trim: return .trim(try stringArg())
            case .split(let pattern):
                _ = try StringSplitter.compile(pattern)
                return .split(try stringArg(), pattern: pattern)
            case .randstr(let length):
                guard bound.count == 1, length >= 0 else {
                    throw EmberError(.analysis, "randstr takes a non-negative length and one seed column")
                }
                return .randstr(bound[0], length: length)
            case .coalesce:
                guard let first = bound.first(where: { !isNullLiteral($0) }) else { return .literal(.null, .string) }
                let t = bound.reduce(first.dataType) { acc, b in isNullLiteral(b) ? acc : (commonType(acc, b.dataType) ?? acc) }
                return .coalesce(bound.map { $0.dataType == t ? $0 : .cast($0, t) }, t)
            default: return try bindFunction(f, bound, e)
            }
        case .cast(let inner, let t): return .cast(try bind(inner, scope), t)
        case .explode:
            throw EmberError(.analysis, "explode is only allowed as a select item", hint: "df.select(explode(col(\"arr\")).alias(\"x\"))")
        case .aggregate:
            throw EmberError(.analysis, "aggregate function '\(e.displayName)' is only allowed in groupBy(...).agg(...)")
        case .subquery:
            throw EmberError(.analysis, "a subquery is only allowed in a filter (WHERE, HAVING) or a select list, not in '\(e.displayName)'",
                             hint: "filter or select with it first, then use the resulting column")
        case .outerReference:
            throw outerReferenceOutsideSubquery(e)
        case .windowFunction: throw missingOverClause(e)
        case .window:
            throw EmberError(.analysis, "It is not allowed to use window functions here: '\(e.displayName)'",
                             hint: "compute the window in a select or withColumn first, then use its column")
        }
    }

    static func outerReferenceOutsideSubquery(_ e: Expression) -> EmberError {
        EmberError(.analysis, "'\(e.displayName)' refers to the query around a subquery, but is not inside a subquery's filter",
                   hint: "use outer() only in a filter of a subquery (df.where(col(\"x\") === col(\"y\").outer()).exists()); "
                       + "withColumn, withColumnRenamed and schema() resolve a DataFrame at once, so correlate last")
    }

    /// A bare NULL where a condition is expected is a boolean null (Spark casts its NullType).
    static func asCondition(_ b: BoundExpression) -> BoundExpression { isNullLiteral(b) ? .literal(.null, .boolean) : b }

    static func isNullLiteral(_ b: BoundExpression) -> Bool {
        if case .literal(.null, _) = b { return true }
        return false
    }

    static func commonType(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        if a.isNumeric && b.isNumeric { return .double }
        return nil
    }

    static func bindBinary(_ op: BinaryOperator, _ l0: BoundExpression, _ r0: BoundExpression, _ e: Expression) throws -> BoundExpression {
        var l = l0, r = r0
        // A null literal takes the other side's type.
        if isNullLiteral(l) { l = .literal(.null, r.dataType) }
        if isNullLiteral(r) { r = .literal(.null, l.dataType) }
        let lt = l.dataType, rt = r.dataType
        if op.isLogical {
            let l = asCondition(l), r = asCondition(r)
            guard l.dataType == .boolean, r.dataType == .boolean else {
                throw EmberError(.analysis, "\(op.rawValue) needs boolean operands in '\(e.displayName)', got \(lt) and \(rt)")
            }
            return op == .and ? .and(l, r) : .or(l, r)
        }
        if op.isArithmetic {
            // Dates and whole numbers of days, as Spark: date + n, n + date, date - n.
            if op == .add || op == .subtract {
                if lt == .date && isNullLiteral(r) { return .call(op == .add ? .dateAdd : .dateSub, [l, .literal(.null, .long)], .date) }
                if lt == .date && rt == .long { return .call(op == .add ? .dateAdd : .dateSub, [l, r], .date) }
                if op == .add && lt == .long && rt == .date { return .call(.dateAdd, [r, l], .date) }
                if op == .subtract && lt == .date && rt == .date {
                    throw EmberError(.analysis, "subtracting dates gives an interval, which Ember does not have: '\(e.displayName)'",
                                     hint: "use datediff(end, start) for the days between them")
                }
            }
            // A string with a number (or two strings) is read as a double: Spark's non-ANSI PromoteStrings.
            if (lt == .string && (rt.isNumeric || rt == .string)) || (rt == .string && lt.isNumeric) {
                return try bindBinary(op, lt == .string ? .cast(l, .double) : l, rt == .string ? .cast(r, .double) : r, e)
            }
            guard lt.isNumeric, rt.isNumeric else {
                throw EmberError(.analysis, "cannot apply '\(op.rawValue)' to \(lt) and \(rt) in '\(e.displayName)'",
                                 hint: "arithmetic needs numeric columns; cast strings with .cast(.long) or .cast(.double)")
            }
            let t: DataType = (op == .divide || lt == .double || rt == .double) ? .double : .long
            return .arithmetic(op, l, r, t)
        }
        // Comparison: coerce to a common type (numbers widen; a string compared with a number, a
        // boolean or a date is cast to that type, as Spark does).
        func compare(_ l: BoundExpression, _ r: BoundExpression) -> BoundExpression {
            op == .equalNullSafe ? .equalNullSafe(l, r) : .comparison(op, l, r)
        }
        if lt == rt { return compare(l, r) }
        if lt.isNumeric && rt.isNumeric {
            return compare(lt == .double ? l : .cast(l, .double), rt == .double ? r : .cast(r, .double))
        }
        let castable: Set<DataType> = [.long, .double, .boolean, .date, .timestamp]
        if lt == .string && castable.contains(rt) { return compare(.cast(l, rt), r) }
        if rt == .string && castable.contains(lt) { return compare(l, .cast(r, lt)) }
        if (lt == .date && rt == .timestamp) || (lt == .timestamp && rt == .date) {
            return compare(lt == .timestamp ? l : .cast(l, .timestamp), rt == .timestamp ? r : .cast(r, .timestamp))
        }
        throw EmberError(.analysis, "cannot compare \(lt) with \(rt) in '\(e.displayName)'",
                         hint: "cast one side so both have the same type")
    }

    static func unresolvedColumn(_ name: String, _ schema: StructType) -> EmberError {
        let available = schema.names.map { "`\($0)`" }.joined(separator: ", ")
        var hint = "available columns: [\(available)]"
        if let best = NameSuggestions.closest(to: name, among: schema.names) { hint = "did you mean `\(best)`? " + hint }
        return EmberError(.analysis, "a column with name `\(name)` cannot be resolved", context: [.init("column", name)], hint: hint)
    }
}
