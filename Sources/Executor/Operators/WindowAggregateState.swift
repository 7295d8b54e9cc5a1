// WindowAggregateState: one aggregate over a moving window frame, with Spark's null semantics.
// Rows enter as the frame's end passes them and leave as its start passes them:
//
//   count, sum, avg          add and subtract (bigint sums wrap both ways, so they stay exact;
//                            double sums are compensated (Neumaier) and count NaN and ±Infinity
//                            apart, so a value that leaves takes its whole effect with it; values
//                            of 2^960 and more are summed apart, scaled by 2^-64, so that a sum
//                            overflows only in its result (Infinity, not NaN) and comes back when
//                            they leave; Spark adds left to right, so where partial sums overflow
//                            but the whole does not, Spark says Infinity and this the sum)
//   stddev / variance        Welford's running mean and M2 over the finite values, updated both
//                            ways; a NaN or infinite value in the frame makes the result NaN (as
//                            Spark's, which recomputes). Subtraction cancels: when M2 falls far
//                            below its peak (a large value left) or stops being finite, the state
//                            asks to be rebuilt from the frame's rows (needsRebuild)
//   min, max                 a monotonic deque of (row, value): the frame's extreme is at its
//                            front; rows that can no longer be the extreme are dropped on entry,
//                            rows before the frame's start on exit (holds at most the frame's values)
//   first, last              not here: WindowAggregateEvaluator reads them at the frame's ends
//
// Functions that subtract take their inputs as WindowNumbers (read by a NumberCursor a batch's
// typed values at a time), never boxed in a Value.

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
    /// Double sums: the values of magnitude 2^960 and more, scaled by 2^-64, and their count.
    private var large = 0
    private var largeSum = 0.0, largeCompensation = 0.0
    /// Variances: the finite values' count, mean and M2, and M2's peak since the state was built.
    private var finite = 0
    private var mean = 0.0, m2 = 0.0, peakM2 = 0.0
    /// Subtraction can no longer bring the state up to date: add the frame's rows afresh.
    private(set) var needsRebuild = false
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
        switch function {
        case .min, .max:
            rows += 1
            if v.isNull { return }
            nonNull += 1
            let keepsLarger = function == .max
            while extremes.count > extremesStart {
                let c = compareValues(extremes[extremes.count - 1].value, v)
                guard keepsLarger ? c <= 0 : c >= 0 else { break }
                extremes.removeLast()
            }
            extremes.append((row, v))
        default: add(WindowNumber(v))
        }
    }

    /// A row enters the frame (count, sum, avg, stddev, variance: no Value on this path).
    mutating func add(_ x: WindowNumber) {
        rows += 1
        if x.isNull { return }
        nonNull += 1
        switch function {
        case .sum where resultType == .long: longSum = longSum &+ x.long
        case .sum, .avg: addDouble(x.double, sign: 1)
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            guard x.double.isFinite else { nans += 1; return }
            finite += 1
            let delta = x.double - mean
            mean += delta / Double(finite)
            m2 += delta * (x.double - mean)
            peakM2 = max(peakM2, m2)
        default: break
        }
    }

    /// A row leaves the frame (functions that subtract).
    mutating func remove(_ x: WindowNumber) {
        rows -= 1
        if x.isNull { return }
        nonNull -= 1
        switch function {
        case .sum where resultType == .long: longSum = longSum &- x.long
        case .sum, .avg: addDouble(x.double, sign: -1)
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            guard x.double.isFinite else { nans -= 1; return }
            finite -= 1
            guard finite > 0 else { mean = 0; m2 = 0; peakM2 = 0; return }
            let delta = x.double - mean
            mean -= delta / Double(finite)
            m2 = max(0, m2 - delta * (x.double - mean))
            // What is left of M2 after a large value left carries the rounding of the peak.
            if !m2.isFinite || !mean.isFinite || m2 < peakM2 * 0x1p-20 { needsRebuild = true }
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
        guard x0.magnitude < 0x1p960 else {
            large += Int(sign)
            if large == 0 {
                (largeSum, largeCompensation) = (0, 0)
            } else {
                Self.addCompensated(x0 * sign * 0x1p-64, to: &largeSum, &largeCompensation)
            }
            return
        }
        Self.addCompensated(x0 * sign, to: &doubleSum, &compensation)
    }

    private static func addCompensated(_ x: Double, to sum: inout Double, _ compensation: inout Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }

    private var double: Double {
        if nans > 0 || (positiveInfinities > 0 && negativeInfinities > 0) { return .nan }
        if positiveInfinities > 0 { return .infinity }
        if negativeInfinities > 0 { return -.infinity }
        let small = doubleSum + compensation
        guard large != 0 else { return small }
        return ((largeSum + largeCompensation) + small * 0x1p-64) * 0x1p64
    }

    /// Appends the aggregate over the rows in the frame now.
    func appendResult(to out: inout ColumnBuilder) {
        switch function {
        case .count: out.appendLong(Int64(nonNull))
        case .sum where nonNull == 0, .avg where nonNull == 0: out.appendNull()
        case .sum where resultType == .long: out.appendLong(longSum)
        case .sum: out.appendDouble(double)
        case .avg: out.appendDouble(double / Double(nonNull))
        case .stddevSamp, .stddevPop, .varSamp, .varPop:
            let sample = function == .varSamp || function == .stddevSamp
            let divisor = Double(sample ? nonNull - 1 : nonNull)
            if nonNull == 0 || divisor == 0 { return out.appendNull() }
            if nans > 0 { return out.appendDouble(.nan) }
            let variance = m2 / divisor
            out.appendDouble(function == .stddevSamp || function == .stddevPop ? variance.squareRoot() : variance)
        case .min, .max: out.append(extremesStart < extremes.count ? extremes[extremesStart].value : .null)
        case .first, .last, .firstIgnoreNulls, .lastIgnoreNulls: out.appendNull()
        }
    }
}

/// One numeric input of an aggregate, without boxing it in a Value: a bigint (also as a double) or
/// a double; count(*) reads every row as a present 1.
struct WindowNumber {
    var isNull: Bool
    var long: Int64
    var double: Double

    static let one = WindowNumber(isNull: false, long: 1, double: 1)
    static let null = WindowNumber(isNull: true, long: 0, double: 0)

    init(isNull: Bool, long: Int64, double: Double) {
        self.isNull = isNull
        self.long = long
        self.double = double
    }

    init(_ v: Value) {
        switch v {
        case .long(let x): self.init(isNull: false, long: x, double: Double(x))
        case .double(let x): self.init(isNull: false, long: 0, double: x)
        case .null: self = .null
        default: self.init(isNull: false, long: 0, double: v.doubleValue ?? 0)   // counted, not summed
        }
    }
}

/// Reads one column of a group's rows as WindowNumbers, a batch's typed values at a time.
struct NumberCursor {
    private var cursor: GroupCursor
    let column: Int?
    private var batchStart = -1
    private var longs: [Int64] = []
    private var doubles: [Double] = []
    private var validity: Bitmap? = nil
    private var other: ColumnVector? = nil

    init(_ cursor: GroupCursor, column: Int?) {
        self.cursor = cursor
        self.column = column
    }

    /// The input of group row `j` (forward only).
    mutating func read(_ j: Int) throws -> WindowNumber {
        guard let column else { return .one }
        try cursor.seek(j)
        if cursor.batchStart != batchStart, let batch = cursor.batch {
            let vector = batch.columns[column]
            batchStart = cursor.batchStart
            validity = vector.validity
            longs = []
            doubles = []
            other = nil
            switch vector.values {
            case .long(let v): longs = v
            case .double(let v): doubles = v
            default: other = vector
            }
        }
        let i = j - batchStart
        if let validity, !validity[i] { return .null }
        if !longs.isEmpty { return WindowNumber(isNull: false, long: longs[i], double: Double(longs[i])) }
        if !doubles.isEmpty { return WindowNumber(isNull: false, long: 0, double: doubles[i]) }
        return WindowNumber(other?.value(at: i) ?? .null)
    }
}
