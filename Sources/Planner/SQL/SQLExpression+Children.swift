// The direct sub-expressions of a SQL expression (not inside subqueries or windows), for checks
// that walk the tree as written, with positions (e.g. which column of an aggregate query is not
// grouped).

extension SQLExpression {
    var children: [SQLExpression] {
        switch kind {
        case .column, .star, .literal, .exists, .scalarSubquery: return []
        case .unary(_, let e), .isNull(let e, _), .isBoolean(let e, _, _), .cast(let e, _, _), .extract(_, let e): return [e]
        case .binary(_, let l, let r), .isDistinctFrom(let l, let r, _): return [l, r]
        case .between(let e, let low, let high, _): return [e, low, high]
        case .inList(let e, let list, _): return [e] + list
        case .inSubquery(let e, _, _): return [e]
        case .like(let e, let pattern, _, _, _), .rlike(let e, let pattern, _): return [e, pattern]
        case .caseWhen(let operand, let branches, let otherwise):
            return (operand.map { [$0] } ?? []) + branches.flatMap { [$0.condition, $0.result] } + (otherwise.map { [$0] } ?? [])
        case .function(let call): return call.arguments
        case .trim(_, let characters, let e): return (characters.map { [$0] } ?? []) + [e]
        case .tuple(let items): return items
        case .element(let e, let index): return [e, index]
        }
    }
}
