// Subqueries through the DataFrame API, with Spark 4's names: `df.scalar()` (a one-value query used
// as a column), `df.exists()`, `col("a").isin(df)`, and `col("x").outer()` for a column of the
// enclosing query inside the subquery's filter. Unqualified names the subquery's inputs lack also
// resolve in the enclosing query, as in SQL. They become joins when the query is planned.

@_spi(EmberInternal) import Planner

extension DataFrame {
    /// This query's one value, as a column of another query (Spark's `scalar()`): null when it has
    /// no rows, an error when it has several. Correlated (reading `outer()` columns), it must be
    /// an aggregate: one value per row of the enclosing query.
    public func scalar() -> Column { Column(.subquery(Subquery(.scalar, plan))) }

    /// True for the rows of the enclosing query for which this query has a row (Spark's `exists()`);
    /// `!df.exists()` is NOT EXISTS. Only as a filter condition (combined with `&&`).
    public func exists() -> Column { Column(.subquery(Subquery(.exists, plan))) }
}

extension Column {
    /// True when the value is among this query's one column (SQL's `IN (SELECT …)`); `!` of it is
    /// NOT IN, which is never true when the query holds a null, as in SQL.
    public func isin(_ query: DataFrame) -> Column { Column(.subquery(Subquery(.isIn([expression]), query.plan))) }

    /// This column of the query around a subquery, inside the subquery's filter (Spark's `outer()`).
    public func outer() -> Column { Column(.outerReference(expression)) }
}
