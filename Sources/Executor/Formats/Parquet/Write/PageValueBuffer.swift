// PageValueBuffer: the values of the page being filled, dictionary-encoded or PLAIN, and the
// column chunk's dictionary. Shared by the typed column writers, which only add values.
//
// A chunk starts dictionary-encoded (when `parquet.enable.dictionary`): each value becomes an id,
// and the page's ids are written as RLE_DICTIONARY (a bit-width byte, then the RLE hybrid). It falls
// back to PLAIN for the rest of the chunk (parquet-java's rules) when
// - the dictionary's PLAIN size passes `parquet.dictionary.page.size` (checked per value), or
// - the chunk's first page would not be smaller with the dictionary (page ids + dictionary ≥ the
//   page's PLAIN size).
// The current page is then re-encoded as PLAIN; pages already written keep their ids, and the
// dictionary page, written first in the chunk when the chunk ends, holds the entries they use.

@_spi(EmberInternal) import Planner

/// A writer dictionary whose entries can be written PLAIN.
protocol PlainDictionary {
    var count: Int { get }
    /// Bytes of all entries, PLAIN-encoded.
    var plainSize: Int { get }
    /// Bytes of entry `id`, PLAIN-encoded.
    func plainSize(of id: Int) -> Int
    /// Appends entry `id`, PLAIN-encoded.
    func appendPlain(_ id: Int, to out: OutputBuffer)
    mutating func removeAll()
}

final class PageValueBuffer<Dictionary: PlainDictionary> {
    /// Dictionary-encoding the current chunk (false once it fell back to PLAIN).
    private(set) var useDictionary: Bool
    var dictionary: Dictionary
    /// The current page's values: dictionary ids, or PLAIN bytes.
    var ids: [UInt32] = []
    let plain = OutputBuffer(capacity: 4 << 10)
    /// Dictionary entries referenced by the pages already written.
    private var entriesWritten = 0
    private let encoded = OutputBuffer(capacity: 1 << 10)
    private let options: ParquetWriteOptions

    init(_ dictionary: Dictionary, options: ParquetWriteOptions) {
        self.dictionary = dictionary
        self.options = options
        self.useDictionary = options.dictionary
    }

    /// Falls back to PLAIN if the dictionary has grown past its limit (call after adding an id).
    @inline(__always) func checkDictionarySize() {
        if dictionary.plainSize > options.dictionaryPageBytes { fallBackToPlain() }
    }

    private var idBitWidth: Int { RLEHybridEncoder.bitWidth(forMax: UInt32(max(dictionary.count, 1) - 1)) }

    /// Bytes the current page's values will take once encoded (an estimate for dictionary ids).
    var pendingValueBytes: Int { useDictionary ? ids.count * idBitWidth / 8 : plain.count }
    var pendingDictionaryBytes: Int { useDictionary ? dictionary.plainSize : 0 }

    /// Hands the current page to the assembler and empties it.
    func flushPage(to assembler: ColumnChunkAssembler, statistics: Statistics) throws {
        if useDictionary && !ids.isEmpty {
            let bitWidth = idBitWidth
            encoded.removeAll()
            encoded.append(UInt8(bitWidth))
            ids.withUnsafeBufferPointer { RLEHybridEncoder.encode($0, bitWidth: bitWidth, into: encoded) }
            if entriesWritten == 0 && encoded.count + dictionary.plainSize >= plainSizeOfPage() {
                fallBackToPlain()
            } else {
                try assembler.writeDataPage(values: encoded.bytes, encoding: .rleDictionary, statistics: statistics)
                entriesWritten = dictionary.count
                ids.removeAll(keepingCapacity: true)
                return
            }
        }
        // PLAIN (also a dictionary-mode page whose rows are all null: it has no values).
        try assembler.writeDataPage(values: plain.bytes, encoding: .plain, statistics: statistics)
        plain.removeAll()
    }

    private func plainSizeOfPage() -> Int {
        var total = 0
        for id in ids { total += dictionary.plainSize(of: Int(id)) }
        return total
    }

    /// Re-encodes the current page's ids as PLAIN and stops using the dictionary for this chunk.
    private func fallBackToPlain() {
        guard useDictionary else { return }
        useDictionary = false
        plain.removeAll()
        for id in ids { dictionary.appendPlain(Int(id), to: plain) }
        ids.removeAll(keepingCapacity: true)
    }

    /// Writes the chunk's dictionary page (if pages use it) and resets for the next chunk. The
    /// current page must have been flushed.
    func finishChunk(_ assembler: ColumnChunkAssembler) throws {
        if entriesWritten > 0 {
            let page = OutputBuffer(capacity: dictionary.plainSize)
            for id in 0..<entriesWritten { dictionary.appendPlain(id, to: page) }
            try assembler.writeDictionaryPage(values: page.bytes, count: entriesWritten)
        }
        dictionary.removeAll()
        entriesWritten = 0
        ids.removeAll(keepingCapacity: true)
        plain.removeAll()
        useDictionary = options.dictionary
    }
}
