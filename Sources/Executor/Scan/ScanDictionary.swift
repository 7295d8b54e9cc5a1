// ScanDictionary: dictionary-encodes a string column while a scan builds it, for as long as the
// column has few distinct values. Each appended value is looked up in a small open-addressing table
// (values of at most 8 bytes are hashed and compared as one word) and its code recorded; the
// accumulator hands the codes and the distinct values out with each batch (StringDictionary).
//
// The dictionary grows across the batches of one scan and keeps its codes, so it keeps one id
// (consumers may cache what they derived from it). Past `maxValues` distinct values or
// `maxBytes` of them, it turns itself off for the rest of the scan: a column with many distinct
// values gains nothing from codes.

@_spi(EmberInternal) import Planner
#if canImport(Glibc)
import Glibc
#endif

final class ScanDictionary {
    static let maxValues = 1024
    static let maxBytes = 64 << 10
    /// Slots at first; doubled whenever they are half full (at most 2 × maxValues), so a column of
    /// a few values probes a table that stays in the first-level cache.
    private static let initialSlots = 64

    /// False once the column turned out to have too many distinct values.
    @exclusivity(unchecked) private(set) var enabled = true
    let id = StringDictionary.newId()

    /// Per row of the batch being built: the value's code (-1 for a null).
    @exclusivity(unchecked) private var codes: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var codeCapacity: Int
    /// Per slot: a code (-1 = empty) and beside it the value's word (values of 1…8 bytes) and
    /// length (-1 = empty), so a short value is found without a second, dependent load.
    @exclusivity(unchecked) private var slots: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var slotWords: UnsafeMutablePointer<UInt64>
    @exclusivity(unchecked) private var slotLengths: UnsafeMutablePointer<Int32>
    @exclusivity(unchecked) private var slotMask = ScanDictionary.initialSlots - 1
    /// Per code: the value's end in `arena`.
    private let ends: UnsafeMutablePointer<Int32>
    private let arena: UnsafeMutableRawPointer
    @exclusivity(unchecked) private(set) var valueCount = 0
    @exclusivity(unchecked) private var arenaCount = 0
    /// The values handed out with the last batch (shared until a value is added).
    private var lastValues: StringArray?

    init(rows: Int) {
        codeCapacity = max(rows, 64)
        codes = .allocate(capacity: codeCapacity)
        (slots, slotWords, slotLengths) = Self.emptySlots(Self.initialSlots)
        ends = .allocate(capacity: Self.maxValues)
        arena = .allocate(byteCount: Self.maxBytes, alignment: 8)
    }

    deinit {
        codes.deallocate()
        slots.deallocate()
        slotWords.deallocate()
        slotLengths.deallocate()
        ends.deallocate()
        arena.deallocate()
    }

    /// Room for codes of `rows` rows.
    func reserveRows(_ rows: Int) {
        guard rows > codeCapacity else { return }
        let grown = UnsafeMutablePointer<Int32>.allocate(capacity: rows)
        grown.update(from: codes, count: codeCapacity)
        codes.deallocate()
        codes = grown
        codeCapacity = rows
    }

    @inline(__always) func setNull(row: Int) { codes[row] = -1 }

    /// Records the code of a value of 1…8 bytes given as a word (bytes above `count` zero).
    @inline(__always) func record(row: Int, word: UInt64, count: Int) {
        var pos = Self.home(word, count) & slotMask
        let length = Int32(truncatingIfNeeded: count)
        while true {
            let found = slotLengths[pos]
            if found == length && slotWords[pos] == word {
                codes[row] = slots[pos]
                return
            }
            if found < 0 { break }
            pos = (pos &+ 1) & slotMask
        }
        withUnsafeBytes(of: word.littleEndian) { insert(row: row, bytes: UnsafeRawBufferPointer(rebasing: $0[0..<count]), word: word, at: pos) }
    }

    /// Records the code of a value given as bytes.
    @inline(__always) func record(row: Int, bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if n <= 8 {
            var word: UInt64 = 0
            if n > 0 { withUnsafeMutableBytes(of: &word) { $0.copyMemory(from: bytes) } }
            word = UInt64(littleEndian: word)
            if n > 0 { record(row: row, word: word, count: n) } else { recordLong(row: row, bytes: bytes) }
            return
        }
        recordLong(row: row, bytes: bytes)
    }

    /// Values longer than a word, and the empty value: hashed and compared byte by byte.
    private func recordLong(row: Int, bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        var pos = Self.longHome(bytes) & slotMask
        while true {
            let found = Int(slotLengths[pos])
            if found < 0 { break }
            if found == n && (n == 0 || memcmp(arena + Int(ends[Int(slots[pos])]) - n, bytes.baseAddress!, n) == 0) {
                codes[row] = slots[pos]
                return
            }
            pos = (pos &+ 1) & slotMask
        }
        insert(row: row, bytes: bytes, word: 0, at: pos)
    }

    /// Hash of a 1…8-byte value (from its word; other values hash their bytes: the two kinds differ
    /// in length, so a value always takes the same one).
    @inline(__always) private static func home(_ word: UInt64, _ count: Int) -> Int {
        Int(truncatingIfNeeded: ((word ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15) &>> 40)
    }

    private static func longHome(_ bytes: UnsafeRawBufferPointer) -> Int {
        Int(truncatingIfNeeded: FixedSeedHash.hash(bytes: bytes, seed: FixedSeedHash.aggregateSeed) &>> 40)
    }

    private static func emptySlots(_ n: Int) -> (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Int32>) {
        let codes = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        codes.initialize(repeating: -1, count: n)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
        words.initialize(repeating: 0, count: n)
        let lengths = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        lengths.initialize(repeating: -1, count: n)
        return (codes, words, lengths)
    }

    /// Twice the slots, every value placed again.
    private func growSlots() {
        let oldCount = slotMask + 1, oldSlots = slots, oldWords = slotWords, oldLengths = slotLengths
        (slots, slotWords, slotLengths) = Self.emptySlots(oldCount * 2)
        slotMask = oldCount * 2 - 1
        for old in 0..<oldCount where oldLengths[old] >= 0 {
            let code = Int(oldSlots[old]), length = Int(oldLengths[old])
            let bytes = UnsafeRawBufferPointer(start: arena + Int(ends[code]) - length, count: length)
            var pos = (length >= 1 && length <= 8 ? Self.home(oldWords[old], length) : Self.longHome(bytes)) & slotMask
            while slotLengths[pos] >= 0 { pos = (pos &+ 1) & slotMask }
            slots[pos] = oldSlots[old]
            slotWords[pos] = oldWords[old]
            slotLengths[pos] = oldLengths[old]
        }
        oldSlots.deallocate()
        oldWords.deallocate()
        oldLengths.deallocate()
    }

    private func insert(row: Int, bytes: UnsafeRawBufferPointer, word: UInt64, at pos: Int) {
        guard enabled, valueCount < Self.maxValues, arenaCount + bytes.count <= Self.maxBytes else {
            enabled = false
            return
        }
        if let source = bytes.baseAddress, bytes.count > 0 { (arena + arenaCount).copyMemory(from: source, byteCount: bytes.count) }
        arenaCount += bytes.count
        ends[valueCount] = Int32(arenaCount)
        slots[pos] = Int32(valueCount)
        slotWords[pos] = word
        slotLengths[pos] = Int32(bytes.count)
        codes[row] = Int32(valueCount)
        valueCount += 1
        if valueCount * 2 > slotMask + 1 { growSlots() }
    }

    /// The dictionary of the batch's first `rows` rows, or nil once turned off.
    func finish(rows: Int) -> StringDictionary? {
        guard enabled else { return nil }
        let codes = [Int32](UnsafeBufferPointer(start: self.codes, count: rows))
        if lastValues?.count != valueCount {
            var offsets = [Int32](repeating: 0, count: valueCount + 1)
            for k in 0..<valueCount { offsets[k + 1] = ends[k] }
            lastValues = StringArray(offsets: offsets, bytes: [UInt8](UnsafeRawBufferPointer(start: arena, count: arenaCount)))
        }
        return StringDictionary(codes: codes, values: lastValues!, id: id)
    }
}
