// ColumnBuilder: appends values one at a time into a ColumnVector of a fixed type. Readers and
// result paths use the typed `append*` methods; `append(_ value:)` is the slow, general path.

@_spi(EmberInternal) public struct ColumnBuilder: Sendable {
    @_spi(EmberInternal) public let type: DataType
    private var longs: [Int64] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var ints: [Int32] = []
    private var strings = StringArray()
    private var listOffsets: [Int32] = [0]
    private var child: [ColumnBuilder] = []
    private var validity = Bitmap(count: 0, value: true)
    private var nulls = 0
    @_spi(EmberInternal) public private(set) var count = 0

    @_spi(EmberInternal) public init(type: DataType, capacity: Int = 0) {
        self.type = type
        validity.reserveCapacity(capacity)
        switch type {
        case .long, .timestamp: longs.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .boolean: bools.reserveCapacity(capacity)
        case .date: ints.reserveCapacity(capacity)
        case .string: strings.offsets.reserveCapacity(capacity + 1)
        case .array(let e): child = [ColumnBuilder(type: e)]
        }
    }

    @_spi(EmberInternal) public mutating func appendNull() {
        switch type {
        case .long, .timestamp: longs.append(0)
        case .double: doubles.append(0)
        case .boolean: bools.append(false)
        case .date: ints.append(0)
        case .string: strings.appendEmpty()
        case .array: listOffsets.append(listOffsets.last!)
        }
        validity.append(false)
        nulls += 1
        count += 1
    }

    mutating func markValid() {
        validity.append(true)
        count += 1
    }

    @_spi(EmberInternal) public mutating func appendLong(_ v: Int64) { longs.append(v); markValid() }
    @_spi(EmberInternal) public mutating func appendDouble(_ v: Double) { doubles.append(v); markValid() }
    @_spi(EmberInternal) public mutating func appendBool(_ v: Bool) { bools.append(v); markValid() }
    @_spi(EmberInternal) public mutating func appendDate(_ v: Int32) { ints.append(v); markValid() }
    @_spi(EmberInternal) public mutating func appendString(_ v: String) { strings.append(v); markValid() }
    @_spi(EmberInternal) public mutating func appendString(bytes: UnsafeRawBufferPointer) { strings.append(bytes: bytes); markValid() }

    /// Appends any value; it must match the builder's type (or be null). Longs widen to doubles.
    @_spi(EmberInternal) public mutating func append(_ value: Value) {
        switch (type, value) {
        case (_, .null): appendNull()
        case (.long, .long(let v)): appendLong(v)
        case (.double, .double(let v)): appendDouble(v)
        case (.double, .long(let v)): appendDouble(Double(v))
        case (.boolean, .boolean(let v)): appendBool(v)
        case (.string, .string(let v)): appendString(v)
        case (.string, let v): appendString(v.description)
        case (.date, .date(let v)): appendDate(v)
        case (.timestamp, .timestamp(let v)): longs.append(v); markValid()
        case (.array, .array(let xs)):
            for x in xs { child[0].append(x) }
            listOffsets.append(Int32(child[0].count))
            markValid()
        default: appendNull()
        }
    }

    @_spi(EmberInternal) public func finish() -> ColumnVector {
        let bits: Bitmap? = nulls == 0 ? nil : validity
        switch type {
        case .long: return ColumnVector(.long(longs), validity: bits)
        case .timestamp: return ColumnVector(.timestamp(longs), validity: bits)
        case .double: return ColumnVector(.double(doubles), validity: bits)
        case .boolean: return ColumnVector(.boolean(bools), validity: bits)
        case .date: return ColumnVector(.date(ints), validity: bits)
        case .string: return ColumnVector(.string(strings), validity: bits)
        case .array: return ColumnVector(.list(offsets: listOffsets, child: child[0].finish()), validity: bits)
        }
    }
}
