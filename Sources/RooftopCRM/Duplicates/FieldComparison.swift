/// How two records compare on one field: the comparison vector of the Fellegi–Sunter model
/// (Fellegi & Sunter, "A theory for record linkage", JASA 64 (1969)).
public enum MatchField: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable {
    case givenName, surname, birthDate, email, phone, address, vin
}

/// The agreement levels a field comparison can reach, strongest first.
public enum MatchLevel: String, Sendable, Codable, CodingKeyRepresentable {
    /// Equal keys.
    case exact
    /// Names that stand for one another in the nickname table (Bill / William).
    case alias
    /// One typing slip apart, or Jaro–Winkler ≥ 0.9 (names), or one digit / day–month swap (dates),
    /// or the same e-mail local part at another domain.
    case close
    /// One given name is the initial of the other.
    case initial
    /// Agreement only on a phone a household shares (Home, Work, Other), or only on the postal code
    /// or city of an address.
    case partial
    /// Both present and different.
    case different
    /// Absent on one side or both: no evidence either way (weight 0).
    case missing

    /// Agreement of some strength (exact, alias, close, initial, partial).
    public var isAgreement: Bool { self != .different && self != .missing }
}

/// One field's comparison and the weight it adds to the score (log₂ m/u, bits).
public struct FieldComparison: Sendable, Codable, Equatable {
    public var field: MatchField
    public var level: MatchLevel
    /// The match weight in bits: positive for agreement, negative for disagreement, 0 when missing.
    /// (An exact agreement a household shares, such as the surname at one address, can weigh less than
    /// nothing: it is still agreement.)
    public var weight: Double
    /// For a `different` given name: both are common names of opposite sex (``GivenNameSex``), nil
    /// otherwise. Two such people share a family e-mail and phone; ``MatchScore/isConfident`` never
    /// takes those for one person.
    public var oppositeSex: Bool?

    /// - Parameters:
    ///   - weight: bits (log₂ m/u), 0 for a missing field.
    ///   - oppositeSex: true only for a `different` given name of two common names of opposite sex.
    public init(field: MatchField, level: MatchLevel, weight: Double, oppositeSex: Bool? = nil) {
        (self.field, self.level, self.weight, self.oppositeSex) = (field, level, weight, oppositeSex)
    }

    /// The values agree at some level (exact, alias, close, initial, partial): "matched" for staff.
    public var agrees: Bool { level.isAgreement }
    /// Both present and different: "differed" for staff.
    public var differs: Bool { level == .different }
}

/// Compares two records field by field (`sync-protocol/duplicate-detection.md#comparisons`).
enum FieldComparator {
    static func given(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        guard let x = a.given, let y = b.given else { return .missing }
        if x == y { return .exact }
        // (NicknameTable.areAliases, with each record's groups looked up once.)
        if !a.givenAliasGroups.isEmpty, a.givenAliasGroups.contains(where: b.givenAliasGroups.contains) { return .alias }
        if a.givenIsInitial || b.givenIsInitial { return x.first == y.first ? .initial : .different }
        // Mark / Mary, Daniel / Daniela: one slip apart, but two people (``GivenNameSex``).
        if close(x, y) { return GivenNameSex.opposite(x, y) ? .different : .close }
        // The given name typed in the surname's place, the other field something else.
        if x == b.surname || y == a.surname { return .close }
        return .different
    }

    static func surname(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        guard let x = a.surname, let y = b.surname else { return .missing }
        if x == y { return .exact }
        if close(x, y) { return .close }
        // A double-barrelled surname typed in part (`garcia lopez` / `garcia`).
        guard x.utf8.contains(0x20) || y.utf8.contains(0x20) else { return .different }
        let xs = x.split(separator: " "), ys = y.split(separator: " ")
        if xs.count != ys.count, Set(xs).isSubset(of: ys) || Set(ys).isSubset(of: xs) { return .close }
        return .different
    }

    /// True when the given name and surname are typed in each other's place (FEBRL swaps them).
    static func swapped(_ a: MatchRecord, _ b: MatchRecord) -> Bool {
        guard let ag = a.given, let asn = a.surname, let bg = b.given, let bsn = b.surname, ag != asn else { return false }
        return (ag == bsn || close(ag, bsn)) && (asn == bg || close(asn, bg))
    }

    static func close(_ x: String, _ y: String) -> Bool {
        StringSimilarity.withinOneEdit(x, y) || StringSimilarity.jaroWinkler(x, y) >= 0.9
    }

    static func birthDate(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        guard let x = a.birthDate, let y = b.birthDate else { return .missing }
        if x == y { return .exact }
        // YYYY-MM-DD, compared in place (this runs for most candidate pairs).
        let close = x.utf8.withContiguousStorageIfAvailable { xd in
            y.utf8.withContiguousStorageIfAvailable { yd in dateClose(xd, yd) }
        } ?? nil
        return close ?? dateClose(Array(x.utf8), Array(y.utf8)) ? .close : .different
    }

    /// One digit apart, or day and month typed the other way round (03-04 / 04-03).
    static func dateClose<C: RandomAccessCollection>(_ xd: C, _ yd: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard xd.count == 10, yd.count == 10 else { return false }
        let x0 = xd.startIndex, y0 = yd.startIndex
        var differing = 0
        for k in 0..<10 where xd[x0 + k] != yd[y0 + k] { differing += 1 }
        if differing == 1 { return true }
        for k in 0..<5 where xd[x0 + k] != yd[y0 + k] { return false }
        return xd[x0 + 5] == yd[y0 + 8] && xd[x0 + 6] == yd[y0 + 9] && xd[x0 + 8] == yd[y0 + 5] && xd[x0 + 9] == yd[y0 + 6]
    }

    static func email(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        guard let x = a.email, let y = b.email else { return .missing }
        if x == y { return .exact }
        // The same local part at another provider: only a local part with digits identifies a person
        // (`jgomez8463`); `maria.garcia` at two providers is often two people.
        if a.emailLocalPartHasDigit && a.emailLocalPart == b.emailLocalPart { return .close }
        return .different
    }

    static func phone(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        guard !(a.personalPhones.isEmpty && a.sharedPhones.isEmpty), !(b.personalPhones.isEmpty && b.sharedPhones.isEmpty) else { return .missing }
        if a.personalPhones.contains(where: b.personalPhones.contains) { return .exact }
        func shares(_ x: [String], _ y: [String]) -> Bool { x.contains(where: y.contains) }
        if shares(a.personalPhones, b.sharedPhones) || shares(a.sharedPhones, b.personalPhones) || shares(a.sharedPhones, b.sharedPhones) {
            return .partial
        }
        return .different
    }

    static func address(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        let hasA = a.street != nil || a.postalCode != nil || a.city != nil
        let hasB = b.street != nil || b.postalCode != nil || b.city != nil
        guard hasA, hasB else { return .missing }
        let samePostal = a.postalCode != nil && a.postalCode == b.postalCode
        let sameCity = a.cityKey != nil && a.cityKey == b.cityKey
        // A postal code one slip apart is the same place when the street agrees too.
        let closePostal = a.postalCode.flatMap { x in b.postalCode.map { StringSimilarity.withinOneEdit(x, $0) } } ?? false
        if let x = a.street, let y = b.street, samePostal || sameCity || closePostal {
            if x == y { return samePostal || sameCity ? .exact : .close }
            if close(x, y) { return .close }
            if let xn = a.streetName, let yn = b.streetName, close(xn, yn) { return .close }
            // The same words in another order (`12 main st apt 4` / `apt 4 12 main st`).
            if a.streetWords == b.streetWords { return .close }
        }
        // Two known streets that do not resemble are two addresses, whatever else agrees: the same
        // city with postal codes one digit apart (85003 / 85033) is most of a city's neighbours.
        if samePostal || (sameCity && (a.street == nil || b.street == nil)) { return .partial }
        return .different
    }

    /// A street line without its house and unit numbers (`12 main st apt 4` → `main st apt`).
    static func withoutNumber(_ street: String) -> String {
        street.split(separator: " ").filter { !$0.allSatisfy(\.isNumber) }.joined(separator: " ")
    }

    static func vin(_ a: MatchRecord, _ b: MatchRecord) -> MatchLevel {
        guard !a.vins.isEmpty, !b.vins.isEmpty else { return .missing }
        return a.vins.contains(where: b.vins.contains) ? .exact : .different
    }
}
