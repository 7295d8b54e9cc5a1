// PartitionPath: the `col=value` directory names of a partitioned write, and their reading back
// (Spark's ExternalCatalogUtils escaping). A value is its text as a cast to string gives it
// (dates `yyyy-MM-dd`, timestamps `yyyy-MM-dd HH:mm:ss[.ffffff]`), with the characters that
// paths or Hive treat specially written as `%XX` (upper-case hex of the byte):
//
//     control characters U+0001…U+001F, U+007F, and  " # % ' * / : = ? \ { [ ] ^
//
// A null or empty value is `__HIVE_DEFAULT_PARTITION__`; reading it back gives null.

@_spi(EmberInternal) import Planner

@_spi(EmberInternal) public enum PartitionPath {
    @_spi(EmberInternal) public static let defaultPartitionName = "__HIVE_DEFAULT_PARTITION__"

    /// `name=value` for one column's value.
    @_spi(EmberInternal) public static func component(_ name: String, _ value: Value) -> String {
        escape(name) + "=" + valueText(value)
    }

    /// The escaped text of a value in a directory name.
    @_spi(EmberInternal) public static func valueText(_ value: Value) -> String {
        if value.isNull { return defaultPartitionName }
        let text = value.description
        return text.isEmpty ? defaultPartitionName : escape(text)
    }

    static func needsEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x01...0x1F, 0x7F: return true
        case UInt8(ascii: "\""), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "/"),
             UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "^"):
            return true
        default: return false
        }
    }

    @_spi(EmberInternal) public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscape) else { return text }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if needsEscape(byte) {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Undoes `escape`: `%XX` with two hex digits becomes that byte; anything else stays.
    @_spi(EmberInternal) public static func unescape(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2]) {
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// Splits a directory name `name=value` into its unescaped column name and value text (nil for
    /// the default partition); nil when the name is not of that form.
    @_spi(EmberInternal) public static func parse(_ directoryName: String) -> (name: String, value: String?)? {
        guard let eq = directoryName.firstIndex(of: "="), eq != directoryName.startIndex else { return nil }
        let name = unescape(String(directoryName[..<eq]))
        let raw = String(directoryName[directoryName.index(after: eq)...])
        return (name, raw == defaultPartitionName ? nil : unescape(raw))
    }
}
