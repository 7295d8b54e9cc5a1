// Windows: `OVER w`, `OVER (w)`, `OVER ([PARTITION BY …] [ORDER BY …] [frame])` (DISTRIBUTE BY and
// SORT BY are Spark's synonyms), frames `ROWS|RANGE BETWEEN start AND end` or `ROWS|RANGE start`,
// and the definitions of a WINDOW clause (`w AS (…)`).

extension SQLParser {
    mutating func parseWindowDefinition() throws -> SQLWindowDefinition {
        let name = try parseIdentifier("a window name")
        try expect(.AS)
        return SQLWindowDefinition(name: name, spec: try parseWindowAfterOver())
    }

    /// What follows OVER (or `name AS` in a WINDOW clause).
    mutating func parseWindowAfterOver() throws -> SQLWindowSpec {
        let start = current.position
        var spec = SQLWindowSpec(reference: nil, partitionBy: [], orderBy: [], frame: nil, position: start)
        if current.symbol != .leftParen {
            spec.reference = try parseIdentifier("a window name or '('")
            return spec
        }
        let open = advance()
        if atIdentifier && peek().symbol == .rightParen && current.keyword == nil {
            spec.reference = try parseIdentifier("a window name")
            try expectClosing(open)
            return spec
        }
        if try accept(.PARTITION, .BY) || acceptQuietly(.DISTRIBUTE, .BY) {
            spec.partitionBy = try parseList { try $0.parseExpression() }
        }
        if try accept(.ORDER, .BY) || acceptQuietly(.SORT, .BY) {
            spec.orderBy = try parseList { try $0.parseSortItem() }
        }
        let frameStart = current.position
        if accept(.ROWS) || accept(.RANGE) {
            let unit: SQLWindowFrame.Unit = tokens[index - 1].keyword == .ROWS ? .rows : .range
            if accept(.BETWEEN) {
                let lower = try parseFrameBound()
                try expect(.AND)
                let upper = try parseFrameBound()
                spec.frame = SQLWindowFrame(unit: unit, start: lower, end: upper, position: frameStart)
            } else {
                spec.frame = SQLWindowFrame(unit: unit, start: try parseFrameBound(), end: .currentRow, position: frameStart)
            }
        }
        try expectClosing(open)
        return spec
    }

    /// `UNBOUNDED PRECEDING|FOLLOWING`, `CURRENT ROW`, `n PRECEDING|FOLLOWING`.
    mutating func parseFrameBound() throws -> SQLFrameBound {
        if current.keyword == .UNBOUNDED && (peek().keyword == .PRECEDING || peek().keyword == .FOLLOWING) {
            advance()
            return advance().keyword == .PRECEDING ? .unboundedPreceding : .unboundedFollowing
        }
        if try accept(.CURRENT, .ROW) { return .currentRow }
        expecting("UNBOUNDED PRECEDING")
        expecting("UNBOUNDED FOLLOWING")
        let offset = try parseBinary(Precedence.comparison)
        if accept(.PRECEDING) { return .preceding(offset) }
        try expect(.FOLLOWING)
        return .following(offset)
    }
}
