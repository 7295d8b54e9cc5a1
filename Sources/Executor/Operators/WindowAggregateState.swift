// WindowAggregateState: one aggregate over a moving window frame, with Spark's null semantics.
// Rows enter as the frame's end passes them and leave as its start passes them:
//
//   count, sum, avg          add and subtract (bigint sums wrap both ways, so they stay exact;
//                            double sums are compensated (Neumaier) and count NaN and ±Infinity
//                            apart, so a value that leaves takes its whole effect with it)
//   stddev / variance        Welford's running mean and M2, updated both ways
//   min, max                 a monotonic deque of (row, value): the frame's extreme is at its
//                            front; rows that can no longer be the extreme are dropped on entry,
//                            rows before the frame's start on exit (holds at most the frame's values)
//   first, last              not here: WindowAggregateEvaluator reads them at the frame's ends

@_spi(EmberInternal) import Planner

struct WindowAggregateState {
    let function: AggregateFunction
    let resultType: DataType
    private(set) var rows = 0
    private(set) var nonNull = 0
    private var longSum: Int64 = 0
    private var doubleSum = 0.0
    private var compensation = 0.0
    private var nans = 0, positiveInfinities = 0, negativeInfinities = 0
    private var mean = 0.0, m2 = 0.0
    private var extremes: [(row: Int, value: Value)] = []
    private var extremesStart = 0

    init(function: AggregateFunction, resultType: DataType) {
        self.function = function
        self.resultType = resultType
    }

    /// Whether rows can leave by subtraction (otherwise they leave the min/max deque by position).
    static func subtracts(_ f: AggregateFunction) -> Bool {
        switch f {
        case .count, .sum, .avg, .stddevSamp, .stddevPop, .varSamp, .varPop: return true
        case .min, .max, .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: return false
        }
    }

    mutating func reset() { self = WindowAggregateState(function: function, resultType: resultType) }

    /// Row `row` with input `v` enters the frame.
    mutating func add(_ v: Value, row: Int) {
        rows += 1
        if v.isNull { return }
        nonNull += 1
        switch function {
        case .sum where resultType == .long:
            if case .long(let x) = v { longSum = longSum &+ x }
        case .sum, .avg: addDouble(v.doubleValue ?? 0, sign: 1)
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            let x = v.doubleValue ?? 0
            let n = Double(nonNull)
            let delta = x - mean
            mean += delta / n
            m2 += delta * (x - mean)
        case .min, .max:
            let keepsLarger = function == .max
            while extremes.count > extremesStart {
                let c = compareValues(extremes[extremes.count - 1].value, v)
                guard keepsLarger ? c <= 0 : c >= 0 else { break }
                extremes.removeLast()
            }
            extremes.append((row, v))
        default: break
        }
    }

    /// Row with input `v` leaves the frame (functions that subtract).
    mutating func remove(_ v: Value) {
        rows -= 1
        if v.isNull { return }
        nonNull -= 1
        switch function {
        case .sum where resultType == .long:
            if case .long(let x) = v { longSum = longSum &- x }
        case .sum, .avg: addDouble(v.doubleValue ?? 0, sign: -1)
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            guard nonNull > 0 else { mean = 0; m2 = 0; return }
            let x = v.doubleValue ?? 0
            let delta = x - mean
            mean -= delta / Double(nonNull)
            m2 = max(0, m2 - delta * (x - mean))
        default: break
        }
    }

    /// Rows before `lo` leave the frame (min/max).
    mutating func evict(before lo: Int) {
        while extremesStart < extremes.count && extremes[extremesStart].row < lo { extremesStart += 1 }
        if extremesStart > 1024 && extremesStart * 2 > extremes.count {
            extremes.removeFirst(extremesStart)
            extremesStart = 0
        }
    }

    /// Neumaier's compensated sum, with non-finite values counted apart.
    private mutating func addDouble(_ x0: Double, sign: Double) {
        if x0.isNaN { nans += Int(sign); return }
        if x0.isInfinite {
            if x0 > 0 { positiveInfinities += Int(sign) } else { negativeInfinities += Int(sign) }
            return
        }
        let x = x0 * sign
        let t = doubleSum + x
        if abs(doubleSum) >= abs(x) { compensation += (doubleSum - t) + x } else { compensation += (x - t) + doubleSum }
        doubleSum = t
    }

    private var double: Double {
        if nans > 0 || (positiveInfinities > 0 && negativeInfinities > 0) { return .nan }
        if positiveInfinities > 0 { return .infinity }
        if negativeInfinities > 0 { return -.infinity }
        return doubleSum + compensation
    }

    /// The aggregate over the rows in the frame now.
    var result: Value {
        switch function {
        case .count: return .long(Int64(nonNull))
        case .sum:
            if nonNull == 0 { return .null }
            return resultType == .long ? .long(longSum) : .double(double)
        case .avg: return nonNull == 0 ? .null : .double(double / Double(nonNull))
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            let sample = function == .varSamp || function == .stddevSamp
            let divisor = Double(sample ? nonNull - 1 : nonNull)
            if nonNull == 0 || divisor == 0 { return .null }
            let variance = m2 / divisor
            return .double(function == .stddevSamp || function == .stddevPop ? variance.squareRoot() : variance)
        case .min, .max: return extremesStart < extremes.count ? extremes[extremesStart].value : .null
        case .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: return .null
        }
    }
}
