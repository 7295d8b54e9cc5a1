// Column: an expression in the DataFrame API (Spark's Column). Build them with `col`, `lit` and
// the functions, combine them with operators: `col("x") + 1`, `col("a") > 3 && col("b") === "x"`
// (equality is `===` and inequality `=!=`, as in Spark's Scala API).

@_spi(EmberInternal) import Planner

public struct Column: Sendable {
    package let expression: Expression
    package init(_ expression: Expression) { self.expression = expression }

    /// Names the column (`AS`).
    public func alias(_ name: String) -> Column { Column(.alias(unaliased, name)) }
    /// Same as `alias` (Spark's `as`).
    public func `as`(_ name: String) -> Column { alias(name) }
    public func cast(_ type: DataType) -> Column { Column(.cast(expression, type)) }
    public func isNull() -> Column { Column(.isNull(expression)) }
    public func isNotNull() -> Column { Column(.isNotNull(expression)) }
    public func asc() -> SortColumn { SortColumn(SortOrder(expression, ascending: true)) }
    public func desc() -> SortColumn { SortColumn(SortOrder(expression, ascending: false)) }
    public func asc_nulls_first() -> SortColumn { SortColumn(SortOrder(expression, ascending: true, nullsFirst: true)) }
    public func asc_nulls_last() -> SortColumn { SortColumn(SortOrder(expression, ascending: true, nullsFirst: false)) }
    public func desc_nulls_first() -> SortColumn { SortColumn(SortOrder(expression, ascending: false, nullsFirst: true)) }
    public func desc_nulls_last() -> SortColumn { SortColumn(SortOrder(expression, ascending: false, nullsFirst: false)) }

    var unaliased: Expression {
        if case .alias(let inner, _) = expression { return inner }
        return expression
    }

    public var name: String { expression.displayName }
}

/// A sort key: a column with a direction (`col("n").desc()`).
public struct SortColumn: Sendable {
    package let order: SortOrder
    package init(_ order: SortOrder) { self.order = order }
}

/// Values that can stand as literals next to a Column in operators.
public protocol LiteralConvertible: Sendable {
    var literalValue: Value { get }
}
extension Int: LiteralConvertible { public var literalValue: Value { .long(Int64(self)) } }
extension Int64: LiteralConvertible { public var literalValue: Value { .long(self) } }
extension Double: LiteralConvertible { public var literalValue: Value { .double(self) } }
extension String: LiteralConvertible { public var literalValue: Value { .string(self) } }
extension Bool: LiteralConvertible { public var literalValue: Value { .boolean(self) } }

extension Column {
    static func binary(_ op: BinaryOperator, _ l: Column, _ r: Column) -> Column { Column(.binary(op, l.expression, r.expression)) }
    static func binary(_ op: BinaryOperator, _ l: Column, _ r: some LiteralConvertible) -> Column {
        Column(.binary(op, l.expression, .literal(r.literalValue)))
    }
    static func binary(_ op: BinaryOperator, _ l: some LiteralConvertible, _ r: Column) -> Column {
        Column(.binary(op, .literal(l.literalValue), r.expression))
    }

    public static func + (l: Column, r: Column) -> Column { binary(.add, l, r) }
    public static func + (l: Column, r: some LiteralConvertible) -> Column { binary(.add, l, r) }
    public static func - (l: Column, r: Column) -> Column { binary(.subtract, l, r) }
    public static func - (l: Column, r: some LiteralConvertible) -> Column { binary(.subtract, l, r) }
    public static func * (l: Column, r: Column) -> Column { binary(.multiply, l, r) }
    public static func * (l: Column, r: some LiteralConvertible) -> Column { binary(.multiply, l, r) }
    public static func / (l: Column, r: Column) -> Column { binary(.divide, l, r) }
    public static func / (l: Column, r: some LiteralConvertible) -> Column { binary(.divide, l, r) }
    public static func % (l: Column, r: Column) -> Column { binary(.remainder, l, r) }
    public static func % (l: Column, r: some LiteralConvertible) -> Column { binary(.remainder, l, r) }
    public static prefix func - (c: Column) -> Column { Column(.negate(c.expression)) }

    /// Equality (Spark's `===`). There is deliberately no `==` overload on Column: it would slow
    /// down type-checking of every `==` in programs that import Engine.
    public static func === (l: Column, r: Column) -> Column { binary(.equal, l, r) }
    public static func === (l: Column, r: some LiteralConvertible) -> Column { binary(.equal, l, r) }
    /// Inequality (Spark's `=!=`).
    public static func =!= (l: Column, r: Column) -> Column { binary(.notEqual, l, r) }
    public static func =!= (l: Column, r: some LiteralConvertible) -> Column { binary(.notEqual, l, r) }
    /// Null-safe equality (Spark's `<=>` / `eqNullSafe`): true when both are null, never null.
    public static func <=> (l: Column, r: Column) -> Column { binary(.equalNullSafe, l, r) }
    public static func <=> (l: Column, r: some LiteralConvertible) -> Column { binary(.equalNullSafe, l, r) }
    public func eqNullSafe(_ other: Column) -> Column { self <=> other }
    public static func < (l: Column, r: Column) -> Column { binary(.less, l, r) }
    public static func < (l: Column, r: some LiteralConvertible) -> Column { binary(.less, l, r) }
    public static func <= (l: Column, r: Column) -> Column { binary(.lessOrEqual, l, r) }
    public static func <= (l: Column, r: some LiteralConvertible) -> Column { binary(.lessOrEqual, l, r) }
    public static func > (l: Column, r: Column) -> Column { binary(.greater, l, r) }
    public static func > (l: Column, r: some LiteralConvertible) -> Column { binary(.greater, l, r) }
    public static func >= (l: Column, r: Column) -> Column { binary(.greaterOrEqual, l, r) }
    public static func >= (l: Column, r: some LiteralConvertible) -> Column { binary(.greaterOrEqual, l, r) }

    public static func && (l: Column, r: Column) -> Column { binary(.and, l, r) }
    public static func || (l: Column, r: Column) -> Column { binary(.or, l, r) }
    public static prefix func ! (c: Column) -> Column { Column(.not(c.expression)) }
}

infix operator === : ComparisonPrecedence
infix operator =!= : ComparisonPrecedence
infix operator <=> : ComparisonPrecedence
