// JavaRegex: runs a Java regular expression (what Spark's split, rlike… take) with Swift Regex,
// keeping Java's meaning where the two differ:
//
//   Java (Spark)                                   Swift Regex by default
//   \s = [ \t\n\x0B\f\r]  \d = [0-9]               Unicode spaces, digits and word characters
//   \w = [a-zA-Z_0-9]     (\S \D \W: complements)
//   .  = any code point but \n \r \u0085 \u2028    also excludes \x0B and \f
//        \u2029
//   matches code points                            matches grapheme clusters (é as e + U+0301 is
//                                                  one character to Swift, two to Java)
//
// The predefined classes and `.` are rewritten into explicit bracket classes (inside a bracket
// class, \w \s \d become their ranges and \W \S \D nested negated classes), and the regex matches
// with Unicode-scalar semantics. Explicit classes also sidestep Swift's built-in \w, which misses
// an ASCII word character followed by a code point ≥ U+0300 in scalar mode. Everything else
// (escapes, \Q…\E quoting, \p{…}, groups, quantifiers) is passed through unchanged.

enum JavaRegex {
    /// The Swift Regex for a Java pattern (throws if Swift cannot parse the translation).
    static func compile(_ pattern: String) throws -> Regex<AnyRegexOutput> {
        try Regex(translate(pattern)).matchingSemantics(.unicodeScalar)
    }

    static let spaceMembers = #" \t\n\x{B}\x{C}\r"#
    static let digitMembers = "0-9"
    static let wordMembers = "a-zA-Z0-9_"
    static let dot = #"[^\n\r\x{85}\x{2028}\x{2029}]"#

    /// Members of a predefined class letter (`s`, `d`, `w`), or nil.
    static func members(_ letter: Character) -> String? {
        switch letter {
        case "s", "S": return spaceMembers
        case "d", "D": return digitMembers
        case "w", "W": return wordMembers
        default: return nil
        }
    }

    /// Rewrites Java's predefined classes and `.` into explicit classes (see the file comment).
    static func translate(_ pattern: String) -> String {
        let p = Array(pattern)
        var out = ""
        var i = 0
        var classDepth = 0   // > 0 inside a bracket class (Java allows nesting)
        while i < p.count {
            let c = p[i]
            if c == "\\" && i + 1 < p.count {
                let next = p[i + 1]
                if next == "Q" {   // \Q…\E: literal text, copied as it is
                    var end = i + 2
                    while end < p.count && !(p[end] == "\\" && end + 1 < p.count && p[end + 1] == "E") { end += 1 }
                    let stop = Swift.min(end + 2, p.count)
                    out += String(p[i..<stop])
                    i = stop
                    continue
                }
                if let members = members(next) {
                    let negated = next.isUppercase
                    if classDepth > 0 {
                        out += negated ? "[^\(members)]" : members
                    } else {
                        out += negated ? "[^\(members)]" : "[\(members)]"
                    }
                } else {
                    out += String([c, next])
                }
                i += 2
                continue
            }
            if c == "[" {
                classDepth += 1
                out.append(c)
                // A `]` or `^]` right at the start is a literal member, not the end of the class.
                if i + 1 < p.count && p[i + 1] == "^" { out.append("^"); i += 1 }
                if i + 1 < p.count && p[i + 1] == "]" { out += "\\]"; i += 1 }
            } else if c == "]" && classDepth > 0 {
                classDepth -= 1
                out.append(c)
            } else if c == "." && classDepth == 0 {
                out += dot
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }
}
