// JoinType: Spark's join types with the names users pass to `join(..., how:)`, and what each
// keeps: which sides' columns come out, and which side's unmatched rows are kept with nulls.

@_spi(EmberInternal) public enum JoinType: String, Sendable, Codable, Hashable, CaseIterable {
    case inner
    case cross
    case leftOuter = "left_outer"
    case rightOuter = "right_outer"
    case fullOuter = "full_outer"
    case leftSemi = "left_semi"
    case leftAnti = "left_anti"

    /// Parses Spark's spellings (`inner`, `cross`, `outer`/`full`/`fullouter`/`full_outer`,
    /// `left`/`leftouter`/`left_outer`, `right`/`rightouter`/`right_outer`,
    /// `semi`/`leftsemi`/`left_semi`, `anti`/`leftanti`/`left_anti`); case and `_` do not matter.
    @_spi(EmberInternal) public static func parse(_ name: String) -> JoinType? {
        switch name.lowercased().replacingUnderscores {
        case "inner": return .inner
        case "cross": return .cross
        case "outer", "full", "fullouter": return .fullOuter
        case "left", "leftouter": return .leftOuter
        case "right", "rightouter": return .rightOuter
        case "semi", "leftsemi": return .leftSemi
        case "anti", "leftanti": return .leftAnti
        default: return nil
        }
    }

    /// The names `parse` accepts, for error messages.
    @_spi(EmberInternal) public static let supportedNames = "inner, cross, outer, full, fullouter, full_outer, left, leftouter, left_outer, "
        + "right, rightouter, right_outer, semi, leftsemi, left_semi, anti, leftanti, left_anti"

    /// Semi and anti joins output the left side's columns only.
    @_spi(EmberInternal) public var outputsRightColumns: Bool { self != .leftSemi && self != .leftAnti }
    /// Left rows without a match are kept (with nulls for the right side).
    @_spi(EmberInternal) public var keepsUnmatchedLeft: Bool { self == .leftOuter || self == .fullOuter }
    /// Right rows without a match are kept (with nulls for the left side).
    @_spi(EmberInternal) public var keepsUnmatchedRight: Bool { self == .rightOuter || self == .fullOuter }

    /// Spark's name in plans (`Inner`, `LeftOuter`, ...).
    @_spi(EmberInternal) public var planName: String {
        switch self {
        case .inner: return "Inner"
        case .cross: return "Cross"
        case .leftOuter: return "LeftOuter"
        case .rightOuter: return "RightOuter"
        case .fullOuter: return "FullOuter"
        case .leftSemi: return "LeftSemi"
        case .leftAnti: return "LeftAnti"
        }
    }
}

private extension String {
    var replacingUnderscores: String { String(filter { $0 != "_" }) }
}
