// CentralMomentAccumulator: stddev_samp, stddev_pop, var_samp and var_pop from Spark's mergeable
// (n, mean, m2) buffers (CentralMomentAgg), updated and merged with the same formulas, so partial
// buffers from any split of the rows combine into Spark's result:
//
//   update x:  n' = n + 1;  δ = x - mean;  mean' = mean + δ/n';  m2' = m2 + δ·(δ - δ/n')
//   merge:     n = n1 + n2;  δ = mean2 - mean1;  mean = mean1 + δ/n·n2;  m2 = m2_1 + m2_2 + δ·(δ/n)·n1·n2
//   results:   var_pop = m2/n,  var_samp = m2/(n-1),  stddev_* = sqrt of those
//
// n = 0 gives null; var_samp and stddev_samp of one value give null (Spark 3's default,
// spark.sql.legacy.statisticalAggregate=false; the legacy setting gave NaN).

@_spi(EmberInternal) import Planner

final class CentralMomentAccumulator: Accumulator {
    let function: AggregateFunction
    var n: [Double] = []
    var mean: [Double] = []
    var m2: [Double] = []
    init(_ function: AggregateFunction) { self.function = function }

    func resize(_ groups: Int) {
        if n.count < groups {
            let more = groups - n.count
            n.append(contentsOf: repeatElement(0, count: more))
            mean.append(contentsOf: repeatElement(0, count: more))
            m2.append(contentsOf: repeatElement(0, count: more))
        }
    }

    func update(_ g: [Int32], _ input: ColumnVector?) {
        guard let input, case .double(let x) = input.values else { return }
        let validity = input.validity
        for r in 0..<g.count where validity?[r] ?? true {
            let k = Int(g[r])
            let count = n[k] + 1
            let delta = x[r] - mean[k]
            let deltaN = delta / count
            mean[k] += deltaN
            m2[k] += delta * (delta - deltaN)
            n[k] = count
        }
    }

    func merge(_ g: [Int32], _ b: ArraySlice<ColumnVector>) {
        let base = b.startIndex
        guard case .double(let n2) = b[base].values, case .double(let mean2) = b[base + 1].values,
              case .double(let m22) = b[base + 2].values else { return }
        for r in 0..<g.count where n2[r] > 0 {
            let k = Int(g[r])
            let n1 = n[k]
            let count = n1 + n2[r]
            let delta = mean2[r] - mean[k]
            let deltaN = count == 0 ? 0 : delta / count
            mean[k] += deltaN * n2[r]
            m2[k] += m22[r] + delta * deltaN * n1 * n2[r]
            n[k] = count
        }
    }

    func buffers(_ groups: Range<Int>) -> [ColumnVector] {
        [ColumnVector(.double(Array(n[groups]))), ColumnVector(.double(Array(mean[groups]))), ColumnVector(.double(Array(m2[groups])))]
    }

    func result(_ groups: Range<Int>) -> ColumnVector {
        var out = [Double](repeating: 0, count: groups.count)
        var valid = Bitmap(count: groups.count, value: true)
        let sample = function == .varSamp || function == .stddevSamp
        let root = function == .stddevSamp || function == .stddevPop
        for (o, k) in groups.enumerated() {
            let divisor = sample ? n[k] - 1 : n[k]
            if n[k] == 0 || divisor == 0 { valid[o] = false; continue }
            let variance = m2[k] / divisor
            out[o] = root ? variance.squareRoot() : variance
        }
        return ColumnVector(.double(out), validity: valid)
    }
}
