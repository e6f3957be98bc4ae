import Foundation

extension MatchModel {
    /// The levels of a pair in ``MatchField/allCases`` order (``compare(_:_:)`` without the dictionary).
    static func levelList(_ a: MatchRecord, _ b: MatchRecord) -> [MatchLevel] {
        let levels = levels(a, b)
        return (0..<levels.count).map { levels[$0] }
    }

    /// ``levelList(_:_:)`` held inline (no allocation per pair in the scan).
    static func levels(_ a: MatchRecord, _ b: MatchRecord) -> InlineArray<7, MatchLevel> {
        var given = FieldComparator.given(a, b), surname = FieldComparator.surname(a, b)
        if given != .exact && surname != .exact && FieldComparator.swapped(a, b) { given = .exact; surname = .exact }
        if a.isBusiness != b.isBusiness { given = .missing }
        return [given, surname, FieldComparator.birthDate(a, b), FieldComparator.email(a, b),
                FieldComparator.phone(a, b), FieldComparator.address(a, b), FieldComparator.vin(a, b)]
    }
}

extension MatchLevel {
    /// A dense index (0..<7) for the scan's flat tables.
    var index: Int {
        switch self {
        case .exact: 0
        case .alias: 1
        case .close: 2
        case .initial: 3
        case .partial: 4
        case .different: 5
        case .missing: 6
        }
    }
}

/// The scan's inner loop: the posterior probability of ``MatchModel/score(_:_:)`` with m and u in flat arrays and each
/// record's value frequencies looked up once, not once per pair. Same operations in the same order,
/// so the same probabilities to the bit.
struct FastScorer: Sendable {
    let model: MatchModel
    /// max(m, 0.001) at field × 7 + level.
    let m: [Double]
    /// max(sampled u, floor) at field × 7 + level.
    let sampled: [Double]
    let floor: Double
    let priorLogOdds: Double
    /// Per record × 5: the frequency share of its given name, surname, birth date, e-mail and street
    /// (the exact-agreement u before the floor); nan when the record lacks the value.
    let shares: [Double]

    init(model: MatchModel, records: [MatchRecord]) {
        self.model = model
        let floor = 1 / Double(max(model.frequencies.population, model.frequencies.count, MatchModel.minimumPopulation))
        self.floor = floor
        var m = [Double](repeating: 0.001, count: MatchField.allCases.count * 7)
        var sampled = [Double](repeating: floor, count: MatchField.allCases.count * 7)
        let levels: [MatchLevel] = [.exact, .alias, .close, .initial, .partial, .different, .missing]
        for (f, field) in MatchField.allCases.enumerated() {
            for level in levels {
                m[f * 7 + level.index] = max(model.m[field]?[level] ?? 0.001, 0.001)
                sampled[f * 7 + level.index] = max(model.u[field]?[level] ?? floor, floor)
            }
        }
        self.m = m
        self.sampled = sampled
        priorLogOdds = log2(model.priorMatch / (1 - model.priorMatch))
        var shares = [Double](repeating: .nan, count: records.count * 5)
        let frequencies = model.frequencies
        for (i, r) in records.enumerated() {
            if let v = r.given { shares[i * 5] = frequencies.given(v) }
            if let v = r.surname { shares[i * 5 + 1] = frequencies.surname(v) }
            if let v = r.birthDate { shares[i * 5 + 2] = frequencies.birthDate(v) }
            if let v = r.email { shares[i * 5 + 3] = frequencies.email(v) }
            if let v = r.street { shares[i * 5 + 4] = frequencies.street(v) }
        }
        self.shares = shares
    }

    /// The posterior probability of records `i` and `j` (`a` = records[i], `b` = records[j]).
    func probability(_ i: Int, _ a: MatchRecord, _ b: MatchRecord) -> Double {
        let levels = MatchModel.levels(a, b)
        let household = levels[5] == .exact || levels[5] == .close || levels[4] == .partial
        var total = 0.0
        for f in 0..<levels.count {
            let level = levels[f]
            guard level != .missing else { continue }
            let k = f * 7 + level.index
            total += log2(m[k] / u(f, level, k, i, a, b, household: household))
        }
        return MatchModel.probability(logOdds: priorLogOdds + total)
    }

    /// As ``MatchModel/uValue(_:_:_:_:household:)``.
    private func u(_ f: Int, _ level: MatchLevel, _ k: Int, _ i: Int, _ a: MatchRecord, _ b: MatchRecord, household: Bool) -> Double {
        let sampledValue = sampled[k]
        // Fields in MatchField.allCases order: givenName 0, surname 1, birthDate 2, email 3, phone 4, address 5, vin 6.
        if household && f == 1 && level == .exact { return model.householdSurnameU }
        if household && f == 4 && (level == .exact || level == .partial) { return model.householdPhoneU }
        guard level == .exact else { return sampledValue }
        let shared: Double?
        switch f {
        case 0, 1, 2, 3: shared = shares[i * 5 + f].isNaN ? nil : shares[i * 5 + f]
        case 5: shared = shares[i * 5 + 4].isNaN ? nil : shares[i * 5 + 4]
        case 4: shared = a.personalPhones.filter(b.personalPhones.contains).map { model.frequencies.phone($0) }.min()
        default: shared = a.vins.filter(b.vins.contains).map { model.frequencies.vin($0) }.min()
        }
        return max(shared ?? sampledValue, floor)
    }
}
