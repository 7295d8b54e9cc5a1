// ColumnVector: one column of a batch. Typed values buffer + optional validity bitmap
// (nil = no nulls). Operators switch once per batch on `values`, then loop over a typed array.
//
//   ColumnVector
//   ├── values:   .long([Int64]) | .double([Double]) | .boolean([Bool]) | .string(StringArray)
//   │             | .date([Int32]) | .timestamp([Int64]) | .list(offsets, child ColumnVector)
//   ├── validity: Bitmap? (bit i set = row i not null)
//   └── dictionary: StringDictionary? (strings only: codes into distinct values, beside `values`;
//                   dropped when values or validity change, ignored by equality)
//
// Null slots still hold a value (0, "", false) so that buffers stay dense and branch-free loops work.

@_spi(EmberInternal) public indirect enum ColumnValues: Sendable, Equatable {
    case long([Int64])
    case double([Double])
    case boolean([Bool])
    case string(StringArray)
    case date([Int32])
    case timestamp([Int64])
    /// Arrays: row i holds child values offsets[i] ..< offsets[i + 1].
    case list(offsets: [Int32], child: ColumnVector)
}

@_spi(EmberInternal) public struct ColumnVector: Sendable, Equatable {
    @_spi(EmberInternal) public var values: ColumnValues { didSet { dictionary = nil } }
    @_spi(EmberInternal) public var validity: Bitmap? { didSet { dictionary = nil } }
    /// The same strings as codes into a small dictionary, when a scan found few distinct values.
    @_spi(EmberInternal) public private(set) var dictionary: StringDictionary?

    @_spi(EmberInternal) public init(_ values: ColumnValues, validity: Bitmap? = nil) {
        self.values = values
        self.validity = (validity?.allSet ?? true) ? nil : validity
    }

    /// This column with `dictionary` beside its values (which it must describe: see
    /// ``StringDictionary/describes(_:)``).
    @_spi(EmberInternal) public func withDictionary(_ dictionary: StringDictionary?) -> ColumnVector {
        var copy = self
        if let dictionary {
            guard case .string(let s) = values, s.count == dictionary.codes.count else {
                preconditionFailure("a dictionary of \(dictionary.codes.count) codes beside a \(dataType) column of \(count) rows")
            }
        }
        copy.dictionary = dictionary
        return copy
    }

    /// Equal values and nulls (the dictionary is a representation, not part of the value).
    @_spi(EmberInternal) public static func == (a: ColumnVector, b: ColumnVector) -> Bool {
        a.values == b.values && a.validity == b.validity
    }

    @_spi(EmberInternal) public var count: Int {
        switch values {
        case .long(let v): return v.count
        case .double(let v): return v.count
        case .boolean(let v): return v.count
        case .string(let v): return v.count
        case .date(let v): return v.count
        case .timestamp(let v): return v.count
        case .list(let o, _): return o.count - 1
        }
    }

    @_spi(EmberInternal) public var dataType: DataType {
        switch values {
        case .long: return .long
        case .double: return .double
        case .boolean: return .boolean
        case .string: return .string
        case .date: return .date
        case .timestamp: return .timestamp
        case .list(_, let child): return .array(child.dataType)
        }
    }

    @inlinable @_spi(EmberInternal) public func isNull(_ i: Int) -> Bool { validity.map { !$0[i] } ?? false }
    @_spi(EmberInternal) public var hasNulls: Bool { validity != nil }
    @_spi(EmberInternal) public var nullCount: Int { validity.map { $0.count - $0.nonzeroBitCount } ?? 0 }

    /// An empty column of a type.
    @_spi(EmberInternal) public static func empty(_ type: DataType) -> ColumnVector {
        switch type {
        case .long: return ColumnVector(.long([]))
        case .double: return ColumnVector(.double([]))
        case .boolean: return ColumnVector(.boolean([]))
        case .string: return ColumnVector(.string(StringArray()))
        case .date: return ColumnVector(.date([]))
        case .timestamp: return ColumnVector(.timestamp([]))
        case .array(let e): return ColumnVector(.list(offsets: [0], child: .empty(e)))
        }
    }

    /// A column of `count` copies of one value (nulls if `value` is null).
    /// Filled in one step for the scalar types (literals are evaluated once per batch).
    @_spi(EmberInternal) public static func constant(_ value: Value, type: DataType, count: Int) -> ColumnVector {
        switch (value, type) {
        case (.long(let v), .long): return ColumnVector(.long(Array(repeating: v, count: count)))
        case (.double(let v), .double): return ColumnVector(.double(Array(repeating: v, count: count)))
        case (.boolean(let v), .boolean): return ColumnVector(.boolean(Array(repeating: v, count: count)))
        case (.date(let v), .date): return ColumnVector(.date(Array(repeating: v, count: count)))
        case (.timestamp(let v), .timestamp): return ColumnVector(.timestamp(Array(repeating: v, count: count)))
        case (.string(let v), .string):
            let bytes = Array(v.utf8)
            var all: [UInt8] = []
            all.reserveCapacity(bytes.count * count)
            for _ in 0..<count { all.append(contentsOf: bytes) }
            let offsets = (0...count).map { Int32(truncatingIfNeeded: $0 * bytes.count) }
            if bytes.count * count < Int(Int32.max) { return ColumnVector(.string(StringArray(offsets: offsets, bytes: all))) }
        case (.null, .long), (.null, .double), (.null, .boolean), (.null, .date), (.null, .timestamp), (.null, .string):
            let zeros = ColumnVector.zeros(type, count: count)
            return ColumnVector(zeros.values, validity: Bitmap(count: count, value: false))
        default: break
        }
        var b = ColumnBuilder(type: type, capacity: count)
        for _ in 0..<count { b.append(value) }
        return b.finish()
    }

    /// `count` zero values (0, 0.0, false, "") of a scalar type, no nulls.
    static func zeros(_ type: DataType, count: Int) -> ColumnVector {
        switch type {
        case .long: return ColumnVector(.long(Array(repeating: 0, count: count)))
        case .double: return ColumnVector(.double(Array(repeating: 0, count: count)))
        case .boolean: return ColumnVector(.boolean(Array(repeating: false, count: count)))
        case .date: return ColumnVector(.date(Array(repeating: 0, count: count)))
        case .timestamp: return ColumnVector(.timestamp(Array(repeating: 0, count: count)))
        case .string: return ColumnVector(.string(StringArray(offsets: Array(repeating: 0, count: count + 1), bytes: [])))
        case .array: return .constant(.null, type: type, count: count)
        }
    }

    /// Value i as a `Value` (for results and tests, not for hot loops).
    @_spi(EmberInternal) public func value(at i: Int) -> Value {
        if isNull(i) { return .null }
        switch values {
        case .long(let v): return .long(v[i])
        case .double(let v): return .double(v[i])
        case .boolean(let v): return .boolean(v[i])
        case .string(let v): return .string(v[i])
        case .date(let v): return .date(v[i])
        case .timestamp(let v): return .timestamp(v[i])
        case .list(let o, let child):
            return .array((Int(o[i])..<Int(o[i + 1])).map { child.value(at: $0) })
        }
    }

    /// Gathers rows by index (the columnar "take"): result row k = self row indices[k].
    @_spi(EmberInternal) public func take(_ indices: [Int32]) -> ColumnVector {
        let newValidity: Bitmap? = validity.map { bits in
            var out = Bitmap(count: indices.count, value: true)
            for (k, i) in indices.enumerated() where !bits[Int(i)] { out[k] = false }
            return out
        }
        switch values {
        case .long(let v): return ColumnVector(.long(Self.gather(v, indices)), validity: newValidity)
        case .double(let v): return ColumnVector(.double(Self.gather(v, indices)), validity: newValidity)
        case .boolean(let v): return ColumnVector(.boolean(Self.gather(v, indices)), validity: newValidity)
        case .date(let v): return ColumnVector(.date(Self.gather(v, indices)), validity: newValidity)
        case .timestamp(let v): return ColumnVector(.timestamp(Self.gather(v, indices)), validity: newValidity)
        case .string(let s):
            var out = StringArray()
            let fits = indices.withUnsafeBufferPointer { out.appendGathered(from: s, at: $0) }
            precondition(fits, "take: string values exceed 2 GiB in one column")
            return ColumnVector(.string(out), validity: newValidity).withDictionary(dictionary?.take(indices))
        case .list(let o, let child):
            var childIdx: [Int32] = []
            var newOffsets: [Int32] = [0]
            newOffsets.reserveCapacity(indices.count + 1)
            for i in indices {
                for j in o[Int(i)]..<o[Int(i) + 1] { childIdx.append(j) }
                newOffsets.append(Int32(childIdx.count))
            }
            return ColumnVector(.list(offsets: newOffsets, child: child.take(childIdx)), validity: newValidity)
        }
    }

    /// `values[indices[k]]` for every k, each index checked once against the values' count
    /// (an index out of range traps, as the subscript did).
    @inline(__always)
    static func gather<T>(_ values: [T], _ indices: [Int32]) -> [T] {
        values.withUnsafeBufferPointer { v in
            indices.withUnsafeBufferPointer { idx in
                [T](unsafeUninitializedCapacity: idx.count) { out, initialized in
                    guard let dst = out.baseAddress else { initialized = 0; return }
                    let count = v.count
                    for k in 0..<idx.count {
                        let i = Int(idx[k])
                        precondition(i >= 0 && i < count, "take: row index out of range")
                        (dst + k).initialize(to: v[i])
                    }
                    initialized = idx.count
                }
            }
        }
    }

    /// Rows `range` of this column (contiguous copies, no gather).
    @_spi(EmberInternal) public func slice(_ range: Range<Int>) -> ColumnVector {
        let bits: Bitmap? = validity.map { v in
            var out = Bitmap(count: range.count, value: true)
            for (k, i) in range.enumerated() where !v[i] { out[k] = false }
            return out
        }
        switch values {
        case .long(let v): return ColumnVector(.long(Array(v[range])), validity: bits)
        case .double(let v): return ColumnVector(.double(Array(v[range])), validity: bits)
        case .boolean(let v): return ColumnVector(.boolean(Array(v[range])), validity: bits)
        case .date(let v): return ColumnVector(.date(Array(v[range])), validity: bits)
        case .timestamp(let v): return ColumnVector(.timestamp(Array(v[range])), validity: bits)
        case .string(let s):
            let first = s.offsets[range.lowerBound], last = s.offsets[range.upperBound]
            let offsets = s.offsets[range.lowerBound...range.upperBound].map { $0 - first }
            return ColumnVector(.string(StringArray(offsets: offsets, bytes: Array(s.bytes[Int(first)..<Int(last)]))), validity: bits)
                .withDictionary(dictionary?.slice(range))
        case .list: return take(range.map { Int32($0) })
        }
    }

    /// Concatenates columns of the same type.
    @_spi(EmberInternal) public static func concat(_ parts: [ColumnVector], type: DataType) -> ColumnVector {
        if parts.count == 1 { return parts[0] }
        let total = parts.reduce(0) { $0 + $1.count }
        var validity: Bitmap? = nil
        if parts.contains(where: { $0.hasNulls }) {
            var bits = Bitmap(count: 0, value: true)
            bits.reserveCapacity(total)
            for p in parts { for i in 0..<p.count { bits.append(!p.isNull(i)) } }
            validity = bits
        }
        switch type {
        case .long: return ColumnVector(.long(parts.flatMap { if case .long(let v) = $0.values { return v } else { return [] } }), validity: validity)
        case .double: return ColumnVector(.double(parts.flatMap { if case .double(let v) = $0.values { return v } else { return [] } }), validity: validity)
        case .boolean: return ColumnVector(.boolean(parts.flatMap { if case .boolean(let v) = $0.values { return v } else { return [] } }), validity: validity)
        case .date: return ColumnVector(.date(parts.flatMap { if case .date(let v) = $0.values { return v } else { return [] } }), validity: validity)
        case .timestamp: return ColumnVector(.timestamp(parts.flatMap { if case .timestamp(let v) = $0.values { return v } else { return [] } }), validity: validity)
        case .string:
            var out = StringArray()
            for p in parts {
                guard case .string(let s) = p.values else { continue }
                let base = Int32(out.bytes.count)
                out.bytes.append(contentsOf: s.bytes)
                for k in 1..<s.offsets.count { out.offsets.append(s.offsets[k] + base) }
            }
            return ColumnVector(.string(out), validity: validity)
        case .array(let e):
            var offsets: [Int32] = [0]
            var children: [ColumnVector] = []
            for p in parts {
                guard case .list(let o, let child) = p.values else { continue }
                let base = offsets.last!
                for k in 1..<o.count { offsets.append(o[k] + base) }
                children.append(child)
            }
            return ColumnVector(.list(offsets: offsets, child: concat(children.isEmpty ? [.empty(e)] : children, type: e)), validity: validity)
        }
    }
}
