import Foundation

/// The Fellegi–Sunter match model (Fellegi & Sunter, "A theory for record linkage", JASA 64 (1969)):
/// a pair's score is the sum over fields of log₂(m/u), where m = P(level | same person) and
/// u = P(level | different people). `sync-protocol/duplicate-detection.md#scores` gives the reasoning.
///
/// - u is estimated from the data: for an exact agreement the frequency of the agreed value among
///   the records (a shared rare surname weighs more than a shared `smith`; Winkler's
///   frequency-based weights), for the other levels the share of random record pairs at that level.
/// - Household fields are not independent: people at one address mostly share a surname and a home
///   phone. Given agreement on the address (or on a shared phone), u for the surname and the phone is
///   P(agree | same household, different people) (``householdSurnameU``, ``householdPhoneU``),
///   estimated by EM from the pairs at one address, not their population frequency.
/// - m starts from reasoned rates of data-entry change (``priorM``) and is re-estimated from the
///   candidate pairs by EM with u held fixed (Dempster, Laird & Rubin 1977; Winkler 1988; as Splink does).
public struct MatchModel: Sendable {
    /// P(level | same person) per field and level.
    public var m: [MatchField: [MatchLevel: Double]]
    /// P(level | different people) per field and level, from random pairs.
    public var u: [MatchField: [MatchLevel: Double]]
    /// The value frequencies behind exact-agreement u.
    public var frequencies: FrequencyTable
    /// P(a random pair of records is one person), for the posterior.
    public var priorMatch: Double

    /// P(the surname agrees | same address or shared phone, different people): estimated by EM
    /// (households make it high; data without households, low).
    public var householdSurnameU = 0.1
    /// P(a phone agrees | same address, different people): estimated by EM.
    public var householdPhoneU = 0.1

    /// Data-entry rates, before EM: what share of one person's records reach each level.
    public static let priorM: [MatchField: [MatchLevel: Double]] = [
        .givenName: [.exact: 0.82, .alias: 0.05, .close: 0.07, .initial: 0.02, .different: 0.04],
        .surname: [.exact: 0.82, .close: 0.08, .different: 0.10],
        .birthDate: [.exact: 0.90, .close: 0.06, .different: 0.04],
        .email: [.exact: 0.75, .close: 0.03, .different: 0.22],
        .phone: [.exact: 0.70, .partial: 0.10, .different: 0.20],
        .address: [.exact: 0.60, .close: 0.10, .partial: 0.05, .different: 0.25],
        .vin: [.exact: 0.40, .different: 0.60],
    ]

    /// The levels each field can reach, for sampling u.
    static let levels: [MatchField: [MatchLevel]] = priorM.mapValues { Array($0.keys) }

    /// The comparison of two records, field by field.
    /// - Returns: field → level, every field present (``MatchLevel/missing`` where either side lacks it).
    public static func compare(_ a: MatchRecord, _ b: MatchRecord) -> [MatchField: MatchLevel] {
        Dictionary(uniqueKeysWithValues: zip(MatchField.allCases, levelList(a, b)))
    }

    /// u for one field of one pair: value frequency for exact agreement, household conditioning,
    /// else the random-pair rate.
    func uValue(_ field: MatchField, _ level: MatchLevel, _ a: MatchRecord, _ b: MatchRecord, household: Bool) -> Double {
        let floor = 1 / Double(max(frequencies.population, frequencies.count, MatchModel.minimumPopulation))
        let sampled = max(u[field]?[level] ?? floor, floor)
        if household && field == .surname && level == .exact { return householdSurnameU }
        if household && field == .phone && (level == .exact || level == .partial) { return householdPhoneU }
        guard level == .exact else { return sampled }
        let shared: Double? = switch field {
        case .givenName: a.given.map { frequencies.given($0) }
        case .surname: a.surname.map { frequencies.surname($0) }
        case .birthDate: a.birthDate.map { frequencies.birthDate($0) }
        case .email: a.email.map { frequencies.email($0) }
        case .phone: a.personalPhones.filter(b.personalPhones.contains).map { frequencies.phone($0) }.min()
        case .address: a.street.map { frequencies.street($0) }
        case .vin: a.vins.filter(b.vins.contains).map { frequencies.vin($0) }.min()
        }
        return max(shared ?? sampled, floor)
    }

    /// The weighted comparison of a pair.
    /// - Returns: each field's level and weight (bits), and the total.
    public func score(_ a: MatchRecord, _ b: MatchRecord) -> MatchScore {
        let levels = Self.compare(a, b)
        let household = Self.isHousehold(levels)
        var comparisons: [FieldComparison] = []
        var total = 0.0
        for field in MatchField.allCases {
            let level = levels[field] ?? .missing
            guard level != .missing else {
                comparisons.append(FieldComparison(field: field, level: level, weight: 0))
                continue
            }
            let mValue = max(m[field]?[level] ?? 0.001, 0.001)
            let weight = log2(mValue / uValue(field, level, a, b, household: household))
            let oppositeSex = field == .givenName && level == .different && GivenNameSex.opposite(a.given ?? "", b.given ?? "") ? true : nil
            comparisons.append(FieldComparison(field: field, level: level, weight: (weight * 100).rounded() / 100, oppositeSex: oppositeSex))
            total += weight
        }
        let priorOdds = log2(priorMatch / (1 - priorMatch))
        return MatchScore(weight: (total * 100).rounded() / 100, probability: Self.probability(logOdds: priorOdds + total), fields: comparisons)
    }

    /// True when the pair shares an address or a household phone: the context in which a shared
    /// surname or phone is expected of different people.
    static func isHousehold(_ levels: [MatchField: MatchLevel]) -> Bool {
        levels[.address] == .exact || levels[.address] == .close || levels[.phone] == .partial
    }

    static func probability(logOdds: Double) -> Double {
        let p = 1 / (1 + pow(2, -logOdds))
        return (p * 10_000).rounded(.down) / 10_000
    }
}

/// A scored pair.
public struct MatchScore: Sendable, Codable, Equatable {
    /// The match weight in bits: the sum of the fields' weights.
    public var weight: Double
    /// The posterior probability that the pair is one person, 0...1 (four decimals, rounded down).
    public var probability: Double
    /// Each field's level and weight.
    public var fields: [FieldComparison]

    /// The auto-merge class (`sync-protocol/duplicate-detection.md#thresholds`): at or above
    /// ``DuplicateDetector/autoMergeProbability``, agreeing on more than a name (an e-mail, a phone,
    /// a birth date, an address or a VIN), and, when the first names plainly differ, on the birth
    /// date, or on both the e-mail and a personal phone while the birth dates are not known to differ
    /// and the two first names are not of opposite sex (Sofia / Daniel with one family mailbox); when
    /// the surnames plainly differ, on an e-mail, a phone, an address or a VIN as well. A create is refused (409), an import attaches, the queue marks it `autoMerge`. Two
    /// records with one name and nothing else, or one surname, address and phone with two first
    /// names (spouses, a parent and a grown child), are for a reviewer whatever their probability.
    public var isConfident: Bool {
        probability >= DuplicateDetector.autoMergeProbability
            && fields.contains { $0.weight > 0 && $0.field != .givenName && $0.field != .surname }
            // A plainly different first name is a spouse or child far more often than a duplicate
            // (a family shares an e-mail, and a phone typed without a type cannot tell a home phone
            // from a mobile); an equal birth date outweighs it, or an e-mail and a personal phone together
            // (a mistyped nickname: `kebny` / `kenneth` with one mailbox and one mobile) — unless both
            // birth dates are known and differ: another first name born another day is another person,
            // whatever mailbox and phone the family shares.
            && (!fields.contains { $0.field == .givenName && $0.level == .different }
                || level(.birthDate) == .exact
                || (level(.email) == .exact && level(.phone) == .exact && level(.birthDate) != .different
                    && !fields.contains { $0.oppositeSex == true }))
            // Another surname with nothing but the first name and the birth date agreeing is two
            // namesakes born the same day (a million customers hold thousands of such pairs) more
            // often than a married name, which shares an e-mail, a phone or an address as well.
            && (level(.surname) != .different || [MatchField.email, .phone, .address, .vin].contains { level($0).isAgreement })
    }

    /// The level `field` reached (``MatchLevel/missing`` when not compared).
    public func level(_ field: MatchField) -> MatchLevel {
        fields.first { $0.field == field }?.level ?? .missing
    }
}
